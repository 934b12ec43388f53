import { UnrecoverableError } from 'bullmq';

/** What a service sees of the job it runs for. */
export interface JobRun<T> {
  id: string;
  data: T;
  /** The replay of a dead letter (JobService.replay), not a first run or a retry. */
  replay: boolean;
  /** Reports progress (0–100) to jobProgress subscribers. */
  progress(percent: number): Promise<void>;
}

/** A failure no retry can fix: the job gives up at once (dead letter, and the row marked failed). */
export class PermanentJobFailure extends UnrecoverableError {}
