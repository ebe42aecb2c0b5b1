import { webApp } from '../../tools/web/vite-app.mjs';

// nx build viewer-web -> dist/apps/viewer-web
export default webApp('viewer-web', 4300);
