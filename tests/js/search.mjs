// Runs queries through the built site's search/search.js under Node, as any script could:
// stdin {module, base, queries: [{q, filters, limit}]} → stdout [[result, …], …]
import { pathToFileURL } from "node:url";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input);
const { search, normalize } = await import(pathToFileURL(job.module).href);
const out = [];
for (const q of job.queries) {
  if (q.normalize !== undefined) out.push(normalize(q.normalize));
  else out.push(await search(q.q ?? "", { filters: q.filters ?? {}, base: job.base, limit: q.limit ?? Infinity }));
}
process.stdout.write(JSON.stringify(out));
