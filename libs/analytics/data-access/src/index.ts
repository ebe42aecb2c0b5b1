import { CreateAnalytics1795400000000 } from './migrations/1795400000000-create-analytics';

export * from './analytics.repository';

/** What analytics hands to the platform's DatabaseModule and migration runner. */
export const analyticsDatabase = {
  schema: 'analytics',
  entities: [],
  migrations: [CreateAnalytics1795400000000],
};
