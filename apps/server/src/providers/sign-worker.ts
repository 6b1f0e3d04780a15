// The signing worker: runs sign jobs with the keys it opened recently (the master key arrives once, as workerData).
import { workerData } from 'piscina';
import { OpenedKeyCache } from './key-cache.js';
import { runSignJob, type SignJob, type SignJobResult, type SignWorkerData } from './signing-pool.js';

const cache = new OpenedKeyCache((workerData as SignWorkerData).masterKey);

/** Signs one job. */
export default function signJob(job: SignJob): SignJobResult {
  return runSignJob(job, cache);
}
