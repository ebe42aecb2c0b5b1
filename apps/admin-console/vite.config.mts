import { webApp } from '../../tools/web/vite-app.mjs';

// nx build admin-console -> dist/apps/admin-console
export default webApp('admin-console', 4200);
