// Module loader hooks for test/support/dependencyWorker.mjs (registered with module.register()).
// They run on Node's loader thread and post the URL of every module they load, ES modules
// included, to the worker's main thread, which drains the port synchronously.
let port;

export function initialize(data) {
  port = data.port;
}

export async function load(url, context, nextLoad) {
  port.postMessage(url);
  return nextLoad(url, context);
}
