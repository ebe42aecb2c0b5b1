#!/usr/bin/env node
// Prints a signed access token for local use:
//   npm run token -- --sub u1 --roles admin [--name Kim] [--expires 12h]
// Signed HS256 with AUTH_JWT_SECRET, or the documented dev default the apps also use.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { usage } from '../lib/usage.mjs';

usage(import.meta.url);

const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');

const ROLES = ['viewer', 'seller', 'moderator', 'operator', 'admin'];
const DEV_SECRET = 'dev-only-insecure-secret-change-me';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    roles: { type: 'string', default: 'viewer' },
    name: { type: 'string', default: '' },
    expires: { type: 'string', default: '12h' },
  },
});

const fail = (msg) => {
  console.error(`token: ${msg}`);
  process.exit(2);
};
if (!values.sub) fail('--sub is required (the user id)');
const roles = values.roles.split(',').map((r) => r.trim()).filter(Boolean);
const unknown = roles.filter((r) => !ROLES.includes(r));
if (roles.length === 0 || unknown.length) fail(`--roles takes a comma list of ${ROLES.join(', ')} (got ${values.roles})`);

const secret = process.env.AUTH_JWT_SECRET || DEV_SECRET;
console.log(jwt.sign({ sub: values.sub, name: values.name || values.sub, roles }, secret, { algorithm: 'HS256', expiresIn: values.expires }));
