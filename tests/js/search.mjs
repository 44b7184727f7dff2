// Runs queries through the built site's search/search.js under Node, as any script could:
// stdin {module, base, queries: [{q, filters, limit, literal} | {normalize} | {open: true, q, filters}]}
// → stdout [[result, …] | "normalized" | {terms, filters, understood, total, counts, suggestions, results}, …]
import { pathToFileURL } from "node:url";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input);
const { open, search, normalize, readings, excerpt } = await import(pathToFileURL(job.module).href);
const out = [];
for (const q of job.queries) {
  const options = { filters: q.filters ?? {}, base: job.base, literal: q.literal ?? false };
  if (q.normalize !== undefined) out.push(normalize(q.normalize));
  else if (q.excerpt !== undefined) out.push(excerpt(q.excerpt, q.terms ?? [], q.width ?? 60));
  else if (q.readings !== undefined) out.push(readings(q.readings));
  else if (q.open) {
    const cursor = await open(q.q ?? "", options);
    const results = await cursor.next(q.limit ?? Infinity);
    out.push({ terms: cursor.terms, filters: cursor.filters, understood: cursor.understood, total: cursor.total,
               counts: await cursor.counts(), suggestions: await cursor.suggestions(), results,
               unknown: cursor.unknown, unreachable: cursor.unreachable, archives: cursor.archives });
  } else out.push(await search(q.q ?? "", { ...options, limit: q.limit ?? Infinity }));
}
process.stdout.write(JSON.stringify(out));
