// 专报归档 search: find-in-page over every finding of the archive, on top of Pagefind.
//
// One ES module for the site's pages and for tests under Node 20:
//   search(query, {filters, base, limit}) → Promise<[{url, issue, number, date, district, types,
//                                                      departments, text, anchor}]>, newest first.
// Each record in the Pagefind index is a district report whose words are every pair of neighbouring
// characters of its findings (hooks/bulletins/searchindex.py). A query asks for
// records holding a few of each term's pairs, then keeps only findings whose text contains every
// term, so what is listed is exactly what contains what was typed. `normalize` must match the
// Python one character for character.

export const FACETS = ["区县", "问题类型", "部门", "年份"];

const SPACES = new Set([" ", "\t", "\n", "\r", "\f", "\v"]);
const HEX_AS_LETTERS = "abcdefghijklmnop";
const PINYIN = /^[a-z]{2,}$/;
const PROBES_PER_TERM = 3;
const MAX_PARALLEL = 16; // fragments fetched at once: enough to hide latency, few enough for any server

function normalizeChar(ch) {
  let out = "";
  for (const c of ch.normalize("NFKC")) {
    if (SPACES.has(c)) continue;
    out += c >= "A" && c <= "Z" ? c.toLowerCase() : c;
  }
  return out;
}

/** What search compares: NFKC per character, spaces dropped, ASCII letters lower-cased. */
export function normalize(text) {
  let out = "";
  for (const ch of String(text)) out += normalizeChar(ch);
  return out;
}

/** Space-separated terms of a query, normalized; every term must be found (AND). */
export function terms(query) {
  return String(query ?? "")
    .split(/\s+/)
    .map(normalize)
    .filter((t) => t.length > 0);
}

function spell(ch) {
  return ch.codePointAt(0).toString(16).padStart(5, "0").replace(/./g, (h) => HEX_AS_LETTERS[parseInt(h, 16)]);
}

/**
 * The index words to ask Pagefind for: a few pairs spread over the term (any subset is safe). A single
 * character is asked as a prefix: Pagefind then matches every pair it starts, and the index pairs a
 * finding's last character with an end mark, so none is missed.
 */
function textProbes(term) {
  const chars = [...term];
  if (chars.length === 1) return ["r" + spell(chars[0])];
  const pairs = [];
  for (let i = 0; i + 1 < chars.length; i++) pairs.push("r" + spell(chars[i]) + spell(chars[i + 1]));
  if (pairs.length <= PROBES_PER_TERM) return pairs;
  const picks = new Set([0, pairs.length - 1, Math.floor((pairs.length - 1) / 2)]);
  return [...picks].map((i) => pairs[i]);
}

/** Ways a term can be found: in the text, or (pinyin) as the prefix of a district or type key. */
function alternatives(term) {
  const ways = [textProbes(term)];
  if (PINYIN.test(term)) ways.push(["s" + [...term].map(spell).join("")]); // Pagefind matches it as a prefix
  return ways;
}

/** Every choice of one alternative per term: each is one Pagefind query (its words are ANDed). */
function queries(words) {
  let out = [[]];
  for (const term of words) out = out.flatMap((q) => alternatives(term).map((w) => [...q, ...w]));
  return out.map((q) => [...new Set(q)]);
}

function termMatches(term, finding) {
  if (finding.norm.includes(term)) return true;
  return PINYIN.test(term) && finding.keys.some((k) => k.startsWith(term));
}

function cleanFilters(filters) {
  const out = {};
  for (const [key, value] of Object.entries(filters ?? {})) {
    if (!FACETS.includes(key)) throw new Error(`未知的筛选项：${key}（可用：${FACETS.join("、")}）`);
    const values = (Array.isArray(value) ? value : [value]).map(String).filter((v) => v !== "");
    if (values.length) out[key] = values;
  }
  return out;
}

function facetMatches(filters, record, finding) {
  const has = (key, values) => !filters[key] || values.some((v) => filters[key].includes(v));
  return (
    has("区县", [record.district]) &&
    has("年份", [record.date.slice(0, 4)]) &&
    has("问题类型", finding.types) &&
    has("部门", finding.departments)
  );
}

function siteBase(base) {
  if (base) {
    const href = new URL(base, typeof location !== "undefined" ? location.href : undefined).href;
    return href.endsWith("/") ? href : href + "/"; // "http://host/zhuanbao" is the folder zhuanbao/
  }
  if (import.meta.url.startsWith("http")) return new URL("../", import.meta.url).href;
  throw new Error("search(): 请给出 base，即站点的地址，例如 http://127.0.0.1:8000/");
}

const engines = new Map();

async function loadPagefind(base) {
  const url = new URL("pagefind/pagefind.js", base).href;
  let pagefind;
  if (typeof document !== "undefined") {
    pagefind = await import(url);
  } else {
    // Node imports only file: and data: modules: fetch Pagefind's module and import its text.
    const response = await fetch(url);
    if (!response.ok) throw new Error(`无法读取搜索索引 ${url}：HTTP ${response.status}`);
    pagefind = await import("data:text/javascript," + encodeURIComponent(await response.text()));
  }
  await pagefind.options({ basePath: new URL("pagefind/", base).href, baseUrl: new URL(base).pathname });
  await pagefind.init();
  return pagefind;
}

function engine(base) {
  if (!engines.has(base)) {
    const loading = loadPagefind(base);
    loading.catch(() => engines.delete(base));
    engines.set(base, loading);
  }
  return engines.get(base);
}

function resultOf(base, record, finding) {
  return {
    url: new URL(record.url + "#" + finding.a, base).href,
    issue: record.issue,
    number: Number(record.number),
    date: record.date,
    district: record.district,
    types: finding.types,
    departments: finding.departments,
    text: finding.text,
    anchor: finding.a,
  };
}

/** A Pagefind result list read in order, a few fragments at a time. */
class Source {
  constructor(results) {
    this.results = results;
    this.at = 0;
    this.loaded = [];
  }
  async head(batch) {
    if (!this.loaded.length && this.at < this.results.length) {
      const slice = this.results.slice(this.at, this.at + Math.min(MAX_PARALLEL, Math.max(1, batch)));
      this.at += slice.length;
      this.loaded = await Promise.all(slice.map(async (r) => ({ id: r.id, meta: (await r.data()).meta })));
    }
    return this.loaded[0];
  }
  get empty() {
    return !this.loaded.length && this.at >= this.results.length;
  }
}

/**
 * Opens a search and returns a cursor; `next(n)` loads only as many records as it needs, so the
 * first screen of results costs a few small fragments, not the whole result set.
 */
export async function open(query, { filters = {}, base } = {}) {
  const root = siteBase(base);
  const words = terms(query);
  const wanted = cleanFilters(filters);
  let sources = [];
  if (words.length || Object.keys(wanted).length) {
    const pagefind = await engine(root);
    const options = {
      filters: Object.fromEntries(Object.entries(wanted).map(([k, v]) => [k, { any: v }])),
      sort: { order: "desc" },
    };
    const lists = await Promise.all(
      queries(words).map((q) => pagefind.search(q.length ? q.join(" ") : null, options)),
    );
    sources = lists.map((l) => new Source(l.results)).filter((src) => !src.empty);
  }
  const seen = new Set();
  const buffer = [];
  /** The next record in sort order over all sources (merged, each record once), or null. */
  async function nextRecord(batch) {
    for (;;) {
      const heads = await Promise.all(sources.map((src) => src.head(batch)));
      let best = -1;
      heads.forEach((h, i) => {
        if (h && (best < 0 || h.meta.order > heads[best].meta.order)) best = i;
      });
      if (best < 0) return null;
      const record = sources[best].loaded.shift();
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      return record.meta;
    }
  }
  return {
    terms: words,
    filters: wanted,
    /** Records Pagefind proposed: an upper bound of the findings' records until all are read. */
    candidates: sources.reduce((n, src) => n + src.results.length, 0),
    get done() {
      return buffer.length === 0 && sources.every((src) => src.empty);
    },
    async next(n = 20) {
      while (buffer.length < n) {
        const record = await nextRecord(n - buffer.length);
        if (!record) break;
        for (const f of JSON.parse(record.findings)) {
          f.norm = normalize(f.text);
          if (facetMatches(wanted, record, f) && words.every((t) => termMatches(t, f))) {
            buffer.push(resultOf(root, record, f));
          }
        }
      }
      return buffer.splice(0, n);
    },
  };
}

/** Every finding that contains all terms of `query` and passes `filters`, newest first. */
export async function search(query, { filters = {}, base, limit = Infinity } = {}) {
  const cursor = await open(query, { filters, base });
  return cursor.next(limit);
}

/**
 * Splits `text` into [{text, hit}] pieces, hit where a term occurs (compared as normalized), so a
 * page can mark matches without ever putting bulletin text into HTML.
 */
export function highlight(text, queryTerms) {
  const chars = [...String(text)];
  const norm = [];
  const owner = [];
  chars.forEach((ch, i) => {
    for (const c of normalizeChar(ch)) {
      norm.push(c);
      owner.push(i);
    }
  });
  const flat = norm.join("");
  const startOf = new Map(); // code unit offset in `flat` → index in `norm`
  let offset = 0;
  norm.forEach((c, k) => {
    startOf.set(offset, k);
    offset += c.length;
  });
  const hit = new Array(chars.length).fill(false);
  for (const term of queryTerms) {
    const len = [...term].length;
    for (let at = flat.indexOf(term); at >= 0; at = flat.indexOf(term, at + 1)) {
      const k = startOf.get(at);
      if (k === undefined || k + len > owner.length) continue;
      for (let i = owner[k]; i <= owner[k + len - 1]; i++) hit[i] = true; // spaces inside a match too
    }
  }
  const pieces = [];
  chars.forEach((ch, i) => {
    const last = pieces[pieces.length - 1];
    if (last && last.hit === hit[i]) last.text += ch;
    else pieces.push({ text: ch, hit: hit[i] });
  });
  return pieces;
}
