// The signing worker: runs sign jobs with the keys it opened recently (the master key arrives once, as workerData).
import { workerData } from 'piscina';
import { OpenedKeyCache } from './key-cache.js';
import { runSignJob, type SignItemResult, type SignJob, type SignWorkerData } from './signing-pool.js';

const cache = new OpenedKeyCache((workerData as SignWorkerData).masterKey);

/** Signs one job; one result per item. */
export default function signJob(job: SignJob): SignItemResult[] {
  return runSignJob(job, cache);
}
