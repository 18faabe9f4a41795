/**
 * Every error ingest raises, declared once. None reaches a client: they are thrown out of a
 * bus batch handler (so the batch is not committed and is delivered again) or at start.
 *
 *   PERISCOPE_ERR_INGEST_STOPPING           the batch was left unwritten because ingest is stopping
 *   PERISCOPE_ERR_INGEST_DEAD_LETTER_FAILED the dead-letter topic refused a record permanently
 *   PERISCOPE_ERR_INGEST_DEDUP_WINDOW_MISSING a table ingest writes would not drop replayed inserts
 *                                           (unreplicated MergeTree without a deduplication window)
 */
import { createError } from '@periscope/runtime'

export const Stopping = createError<[]>('PERISCOPE_ERR_INGEST_STOPPING', 'ingest is stopping; the batch is left for the next consumer', 503)
export const DeadLetterFailed = createError<[string, string]>('PERISCOPE_ERR_INGEST_DEAD_LETTER_FAILED', 'the dead-letter topic %s refused a record: %s')
export const DedupWindowMissing = createError<[string]>(
  'PERISCOPE_ERR_INGEST_DEDUP_WINDOW_MISSING',
  'ingest will not write where replayed inserts would be duplicated: %s. Fix: ALTER TABLE <table> MODIFY SETTING non_replicated_deduplication_window = 1000 (the store migrations set it)',
)
