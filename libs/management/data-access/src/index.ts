import { managementEntities } from './entities';
import { CreateManagement1795310000000 } from './migrations/1795310000000-create-management';
import { BroadcastChatSettings1795330000000 } from './migrations/1795330000000-broadcast-chat-settings';
import { StreamKeyRotation1795350000000 } from './migrations/1795350000000-stream-key-rotation';
import { BroadcastExpectedAudience1795360000000 } from './migrations/1795360000000-broadcast-expected-audience';
import { ViewerCommerce1796200000000 } from './migrations/1796200000000-viewer-commerce';
import { DailyReports1796210000000 } from './migrations/1796210000000-daily-reports';

export * from './entities';
export * from './stream-key-directory';

/** What management-api hands to the platform's DatabaseModule and migration runner. */
export const managementDatabase = {
  schema: 'management',
  entities: managementEntities,
  migrations: [CreateManagement1795310000000, BroadcastChatSettings1795330000000, StreamKeyRotation1795350000000, BroadcastExpectedAudience1795360000000, ViewerCommerce1796200000000, DailyReports1796210000000],
};
