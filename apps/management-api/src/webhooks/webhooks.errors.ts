import { AppError, CodeOf } from '@live/errors';

export const WebhookErrorCode = {
  UrlRefused: 'WEBHOOK_URL_REFUSED',
} as const;
export type WebhookErrorCode = CodeOf<typeof WebhookErrorCode>;

export class WebhookError extends AppError<WebhookErrorCode> {}

export const WebhookErrors = {
  urlRefused: (why: string) => new WebhookError(400, WebhookErrorCode.UrlRefused, `url: ${why}`, 'url'),
};
