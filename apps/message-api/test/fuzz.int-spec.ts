import { describeHttpFuzz } from '@live/testing';

// Every operation of message-api's OpenAPI document, fuzzed (fast-check, seeded and bounded by
// FUZZ_SEED / FUZZ_RUNS): hostile ids, queries, headers and bodies; no 5xx, every refusal a
// 4xx { code, message, field }, and the process still serving at the end.
describeHttpFuzz('message-api');
