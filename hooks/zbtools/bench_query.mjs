// For `bulletins bench`: the bytes one query costs a browser with an empty cache.
// stdin {module, base, query, results} → stdout {"files": {name: bytes}, "results": n}
import { pathToFileURL } from "node:url";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input);
const files = {};
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, options) => {
  const response = await realFetch(url, options);
  const bytes = (await response.clone().arrayBuffer()).byteLength;
  const name = String(url).split("/pagefind/").pop();
  files[name] = (files[name] ?? 0) + bytes;
  return response;
};
const { open } = await import(pathToFileURL(job.module).href);
const cursor = await open(job.query, { base: job.base });
const results = await cursor.next(job.results);
process.stdout.write(JSON.stringify({ files, results: results.length }));
