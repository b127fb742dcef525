// A bounded number of filesystem promises in flight: enough to keep libuv's thread pool busy,
// few enough not to queue tens of thousands of requests (memory, fairness with the editor).

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(concurrency: number): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  // A finished task hands its slot straight to the next waiter, so `running` never overshoots.
  const release = () => {
    const wake = waiting.shift();
    if (wake) wake();
    else running--;
  };
  const run = <T>(task: () => Promise<T>): Promise<T> => {
    let result: Promise<T>;
    try {
      result = task();
    } catch (err) {
      result = Promise.reject(err);
    }
    return result.finally(release);
  };
  return <T>(task: () => Promise<T>): Promise<T> => {
    if (running < concurrency) {
      running++;
      return run(task);
    }
    return new Promise<void>((resolve) => waiting.push(resolve)).then(() => run(task));
  };
}
