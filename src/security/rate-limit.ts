/**
 * The database-backed rate limits as the features use them (intake, staff sign-in, access codes).
 * The rate_events table is security's own: its queries live in rate-events-repository.ts.
 */
export { clearEvents, countRecent, countRecentPair, purgeRateEvents, RATE_EVENT_RETENTION_HOURS, recordEvent, recordEventPair, recentEventStats, type RecentCheck } from './rate-events-repository.js'
