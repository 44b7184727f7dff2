// 专报归档 search: find-in-page over every finding of the archive, on top of Pagefind.
//
// One ES module for the site's pages and for tests under Node 20:
//   search(query, {filters, base, limit, literal}) → Promise<[{url, issue, number, date, district,
//                                                     types, departments, text, anchor, archive}]>, newest first.
//   open(query, options) → a cursor: {terms, filters, understood, total, next(n), counts(), suggestions()}
//
// Names in a query: a word that is a district's name or alias (甲区, 甲, 高新区), a problem
// type, a department or a year (2019, 2019年, 2019 年) is read as that filter, and the rest of
// the query is matched in the text; `"甲区"` in quotes (or “甲区”), or {literal: true}, keeps a word
// as text. The names come from search/names.json, written by the build.
//
// Several archives: an archive whose mkdocs.yml lists others in `extra.search_also` searches them
// too (names.json says where they are); each is built on its own and keeps its own Pagefind
// bundle. Results are merged newest first, counts are added, and `archive` names the archive of
// a result (only when there are several).
// Each record in the Pagefind index is a district report whose words are every pair of neighbouring
// characters of its findings (hooks/bulletins/search/searchindex.py). A query asks for
// records holding a few of each term's pairs, then keeps only findings whose text contains every
// term, so what is listed is exactly what contains what was typed. `normalize` must match the
// Python one character for character.

// The filters' names, written by the build from hooks/bulletins/site/facets.py (规律: 反复出现, 待跟进; 月份: 2019-03).
import { FACETS } from "./facets.js";
export { FACETS };

const SPACES = new Set([" ", "\t", "\n", "\r", "\f", "\v"]);
const HEX_AS_LETTERS = "abcdefghijklmnop";
const PINYIN = /^[a-z]{2,}$/;
const PROBES_PER_TERM = 6; // pairs asked per term: with every pair of short terms, counts are exact
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
  return tokens(query).map((t) => t.text);
}

/** The query's words in order, each {text (normalized), raw, quoted}. */
function tokens(query) {
  const out = [];
  for (const m of String(query ?? "").matchAll(/"([^"]*)"|“([^”]*)”|(\S+)/g)) {
    const raw = m[1] ?? m[2] ?? m[3];
    const text = normalize(raw);
    if (text) out.push({ text, raw, quoted: m[3] === undefined });
  }
  return out;
}

/**
 * Reads names in a query as filters: {terms, filters, understood: [{facet, value, word}]}.
 * `names` is search/names.json: {facet: [[name, [aliases]], …]}. Quoted words stay text.
 */
export function understand(query, names) {
  const lookup = new Map();
  for (const facet of FACETS) {
    for (const [name, aliases] of names?.[facet] ?? []) {
      for (const word of [name, ...aliases]) {
        const key = normalize(word);
        if (key && !lookup.has(key)) lookup.set(key, { facet, value: name });
      }
    }
  }
  const words = tokens(query);
  const result = { terms: [], rawTerms: [], quoted: [], filters: {}, understood: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const year = /^(\d{4})年?$/.exec(w.text);
    let hit = w.quoted ? undefined : lookup.get(year ? year[1] : w.text);
    if (hit && year && hit.facet !== "年份") hit = undefined;
    if (!hit) {
      result.terms.push(w.text);
      result.rawTerms.push(w.raw);
      result.quoted.push(w.quoted);
      continue;
    }
    let word = w.raw;
    if (year && !w.text.endsWith("年") && words[i + 1]?.text === "年" && !words[i + 1].quoted) word += " " + words[++i].raw;
    result.understood.push({ facet: hit.facet, value: hit.value, word });
    (result.filters[hit.facet] ??= []).includes(hit.value) || result.filters[hit.facet].push(hit.value);
  }
  return result;
}

/** The query with one understood word quoted, so that it is searched as text instead. */
export function asText(query, word) {
  const at = String(query).indexOf(word);
  return at < 0 ? query : query.slice(0, at) + `"${word}"` + query.slice(at + word.length);
}

/** The query without one of its words, quoted or not (removing a filter chip, or a term). */
export function without(query, word) {
  for (const form of [`"${word}"`, `“${word}”`, word]) {
    const at = String(query).indexOf(form);
    if (at >= 0) return (query.slice(0, at) + query.slice(at + form.length)).replace(/\s+/g, " ").trim();
  }
  return query;
}

/** A number as five hex digits spelled in letters a–p (what Pagefind keeps as one word). */
function spellNumber(n) {
  return n.toString(16).padStart(5, "0").replace(/./g, (h) => HEX_AS_LETTERS[parseInt(h, 16)]);
}

function spell(ch) {
  return spellNumber(ch.codePointAt(0));
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
  const picks = new Set();
  for (let k = 0; k < PROBES_PER_TERM; k++) picks.add(Math.round((k * (pairs.length - 1)) / (PROBES_PER_TERM - 1)));
  return [...picks].map((i) => pairs[i]);
}

/** Ways a term can be found: in the text, or (pinyin) as the prefix of a district or type key. */
function alternatives(term) {
  const ways = [textProbes(term)];
  if (PINYIN.test(term)) ways.push(["s" + [...term].map(spell).join("")]); // Pagefind matches it as a prefix
  return ways;
}

const MAX_KEY_WORDS = 8; // Latin words read as pinyin keys; a longer run of Latin words is text

/** The Pagefind queries for a query's words (each query's words are ANDed), linear in the words:
 * every word in the text; each Latin word alone as a district's or type's pinyin, the others in
 * the text; and every Latin word as pinyin. (Every mix of readings would be 2^N queries: a pasted
 * English sentence froze the tab.) Results are then checked word by word (`termMatches`). */
function queries(words, groups = [], rests = []) {
  const probes = (t, i) => (groups[i] == null ? textProbes(t)
    : [groupWord(groups[i]), ...(rests[i] ?? []).filter(Boolean).flatMap(textProbes)]);
  const text = words.map(probes);
  const keyable = words.map((t, i) => (PINYIN.test(t) ? i : -1)).filter((i) => i >= 0);
  const key = (t) => alternatives(t)[1];
  const readings = [text];
  if (keyable.length && keyable.length <= MAX_KEY_WORDS) {
    for (const i of keyable) readings.push(words.map((t, j) => (j === i ? key(t) : text[j])));
    if (keyable.length > 1) readings.push(words.map((t, j) => (keyable.includes(j) ? key(t) : text[j])));
  }
  return readings.map((r) => [...new Set(r.flat())]);
}

/** The index word of a synonym group (the n-th of names.json "同义词"): the index gives it to every
 * finding that contains any word of the group (searchindex.group_words), so a word with synonyms
 * costs one index chunk, not one per synonym and pair, and one query counts each finding once. */
function groupWord(n) {
  return "t" + spellNumber(n);
}

/** How many Pagefind queries a query costs (for tests: linear in its words). */
export function readings(query) {
  return queries(terms(query)).length;
}

/** Each word's synonyms (search/names.json "同义词", edited in issues/registry/synonyms.yaml), the
 * word first, and the group's number (`group`, its index word); a quoted word, or any word of a
 * literal search, stands alone. */
function synonymsOf(read, names, literal) {
  const groups = new Map();
  (names?.["同义词"] ?? []).forEach((group, n) => {
    const words = group.map(normalize).filter(Boolean);
    for (const w of words) if (!groups.has(w)) groups.set(w, { words, n });
  });
  return read.terms.map((t, i) => {
    if (literal || read.quoted?.[i]) return [t];
    const group = groups.get(t);
    if (group) return Object.assign([t, ...group.words.filter((w) => w !== t)], { group: group.n });
    // a phrase holding one of the words (等候时间长): the phrase with each of its synonyms there too
    let inner = null;
    for (const w of groups.keys()) if (t.includes(w) && (!inner || [...w].length > [...inner].length)) inner = w;
    if (!inner) return [t];
    const { words, n } = groups.get(inner);
    const at = t.indexOf(inner);
    const variants = words.filter((w) => w !== inner).map((w) => t.slice(0, at) + w + t.slice(at + inner.length));
    return Object.assign([t, ...variants], { group: n, rest: [t.slice(0, at), t.slice(at + inner.length)] });
  });
}

function termMatches(term, alts, finding) {
  if (alts.some((w) => finding.norm.includes(w))) return true;
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

/** A finding's value of each facet (a finding of a by-category bulletin names several districts). */
function facetValues(record, finding, districts) {
  return {
    区县: districts?.length ? districts : [record.district],
    年份: [record.date.slice(0, 4)],
    月份: [record.date.slice(0, 7)],
    问题类型: finding.types,
    部门: finding.departments,
    规律: finding.flags ?? [],
  };
}

function facetMatches(filters, values) {
  const has = (key, vs) => !filters[key] || vs.some((v) => filters[key].includes(v));
  return FACETS.every((key) => has(key, values[key] ?? []));
}

function siteBase(base) {
  if (base) {
    const href = new URL(base, typeof location !== "undefined" ? location.href : undefined).href;
    return href.endsWith("/") ? href : href + "/"; // "http://host/zhuanbao" is the folder zhuanbao/
  }
  if (import.meta.url.startsWith("http")) return new URL("../", import.meta.url).href;
  throw new Error("search(): 请给出 base，即站点的地址，例如 http://127.0.0.1:8000/");
}

const loaded = new Map();
const fetched = new Map();

/** A JSON file the build writes beside search.js, fetched once per site; missing or unreadable: {}. */
function once(base, path) {
  const url = new URL(path, base).href;
  if (!fetched.has(url)) {
    fetched.set(url, fetch(url).then((r) => (r.ok ? r.json() : {})).catch(() => ({})));
  }
  return fetched.get(url);
}

/** search/names.json of a site (an archive without it: no names understood). */
function vocabulary(base) {
  return once(base, "search/names.json");
}

/** One archive's Pagefind: its own copy of Pagefind's module, reading its own bundle. A module
 * per archive, because Pagefind's WebAssembly glue is one per module (two instances in one
 * module overwrite each other's memory). */
async function loadPagefind(base) {
  const url = new URL("pagefind/pagefind.js", base).href;
  let pagefind;
  if (typeof document !== "undefined") {
    pagefind = await import(url);
  } else {
    // Node imports only file: and data: modules: fetch Pagefind's module and import its text
    // (with its address appended, so that two archives' identical copies stay two modules).
    const response = await fetch(url);
    if (!response.ok) throw new Error(`无法读取搜索索引 ${url}：HTTP ${response.status}`);
    pagefind = await import("data:text/javascript," + encodeURIComponent(`${await response.text()}\n// ${url}`));
  }
  await pagefind.options({ basePath: new URL("pagefind/", base).href, baseUrl: new URL(base).pathname });
  await pagefind.init();
  return pagefind;
}

function engine(base) {
  if (!loaded.has(base)) {
    const loading = loadPagefind(base);
    loading.catch(() => loaded.delete(base));
    loaded.set(base, loading);
  }
  return loaded.get(base);
}

/**
 * The archives a search reads: this one, and those its mkdocs.yml names in `extra.search_also`
 * (each built on its own: its own Pagefind bundle, found at its own address). Results of all are
 * merged newest first and their counts added; a result from another archive says which.
 */
async function archives(root) {
  const names = await vocabulary(root);
  const own = names["归档"];
  // An archive with no published issue yet has no index: nothing to find, and nothing to load.
  const list = [{ base: root, name: own?.name ?? "", empty: !names["最新一期"] }];
  const origin = new URL(root).origin;
  for (const other of own?.also ?? []) {
    let base = null;
    try {
      base = siteBase(new URL(other.url, root).href);
    } catch {
      base = null;
    }
    // Same origin only: another site's pagefind.js would run inside this archive's pages.
    list.push({ base: base && new URL(base).origin === origin ? base : null, name: other.name });
  }
  return list;
}

/** Pagefind's answers for an archive that has published nothing yet. */
const NO_INDEX = {
  search: async () => ({ results: [], unfilteredResultCount: 0, filters: {}, totalFilters: {} }),
  filters: async () => ({}),
  preload: async () => {},
};

/** Each archive with its Pagefind loaded: [{base, name, pagefind}]. Another archive that cannot
 * be read fails alone (`unreachable` names it); this archive failing is an error. */
async function engines(root) {
  const list = await archives(root);
  const loaded = await Promise.allSettled(list.map(async (a) => {
    if (!a.base) throw new Error(`${a.name} 不在本站点`);
    return { ...a, pagefind: a.empty ? NO_INDEX : await engine(a.base) };
  }));
  if (loaded[0].status === "rejected") throw loaded[0].reason;
  const out = loaded.filter((r) => r.status === "fulfilled").map((r) => r.value);
  out.unreachable = list.filter((a, i) => loaded[i].status === "rejected").map((a) => a.name);
  return out;
}

/** Filter values none of the archives has (a link made for another archive, or an old one):
 * [{facet, value}]. Pagefind would silently ignore them and show everything. */
async function unknownValues(engs, wanted) {
  const known = await Promise.all(engs.map((e) => e.pagefind.filters()));
  const out = [];
  for (const [facet, values] of Object.entries(wanted)) {
    for (const v of values) if (!known.some((k) => k?.[facet] && v in k[facet])) out.push({ facet, value: v });
  }
  return out;
}

/** The names of every archive searched, for reading a query (one archive may know a district
 * the other does not). */
async function vocabularyOf(root) {
  const list = await archives(root);
  if (list.length === 1) return vocabulary(root);
  const merged = {};
  for (const names of await Promise.all(list.map((a) => vocabulary(a.base)))) {
    for (const facet of FACETS) {
      const into = (merged[facet] ??= []);
      for (const [name, aliases] of names[facet] ?? []) {
        const have = into.find(([n]) => n === name);
        if (have) have[1] = [...new Set([...have[1], ...aliases])];
        else into.push([name, [...aliases]]);
      }
    }
  }
  return merged;
}

// A result's address is made here from its issue id and anchor, never taken from the index: a
// fragment in a damaged or planted index cannot point a reader anywhere but into an archive.
const ISSUE_ID = /^\d{4}-\d{3}$/;
const ANCHOR = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-\d{1,3}$/;

function resultOf(source, record, finding) {
  const base = source.base;
  if (!ISSUE_ID.test(String(record.issue)) || !ANCHOR.test(String(finding.a))) return null;
  return {
    archive: source.others ? source.name : undefined,
    url: new URL(`issues/${record.issue}/#${finding.a}`, base).href,
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

/**
 * Where a record stands, newest first, from its name alone: `<year><tag><rank>`, rank 0 being the
 * newest finding of its year (hooks/bulletins/search/searchbundle.py). Pagefind lists results by
 * relevance; the archive lists them by date, and names cost a query nothing to read.
 */
function newestFirst(a, b) {
  return b.id.slice(0, 4) - a.id.slice(0, 4) || parseInt(a.id.slice(9), 36) - parseInt(b.id.slice(9), 36);
}

/** A Pagefind result list read in order, a few fragments at a time (`list`: one of answers()). */
class Source {
  constructor(list) {
    this.base = list.base;
    this.name = list.name;
    this.others = list.others;
    this.results = [...list.results].sort(newestFirst);
    this.at = 0;
    this.loaded = [];
  }
  async head(batch) {
    if (!this.loaded.length && this.at < this.results.length) {
      const slice = this.results.slice(this.at, this.at + Math.min(MAX_PARALLEL, Math.max(1, batch)));
      this.at += slice.length;
      this.loaded = await Promise.all(slice.map(async (r) => {
        const data = await r.data();
        return { id: r.id, meta: data.meta, districts: data.filters?.["区县"] };
      }));
    }
    return this.loaded[0];
  }
  get empty() {
    return !this.loaded.length && this.at >= this.results.length;
  }
}

function pagefindOptions(filters) {
  return { filters: Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, { any: v }])) };
}

/** Pagefind's answers for the query's words (`alts`: each word with its synonyms; one query per
 * pinyin/text reading and combination) under these filters, from every archive; each list knows its archive. */
async function answers(engs, alts, filters) {
  if (!alts.length && !Object.keys(filters).length) return [];
  const options = pagefindOptions(filters);
  const asked = queries(alts.map((a) => a[0]), alts.map((a) => a.group), alts.map((a) => a.rest));
  const per = await Promise.all(engs.map(async (e) => {
    const lists = await Promise.all(asked.map((q) => e.pagefind.search(q.length ? q.join(" ") : null, options)));
    return lists.map((l) => Object.assign(l, { base: e.base, name: e.name, others: engs.length > 1 }));
  }));
  return per.flat();
}

function totalOf(lists) {
  return new Set(lists.flatMap((l) => l.results.map((r) => l.base + "|" + r.id))).size;
}

/** Findings per value of each facet for these words, each facet counted under the other facets'
 * filters only, as a reader expects of a filter pane (one record is one finding). A finding is
 * counted once even when several readings of the query (pinyin as text and as a name) find it. */
async function facetCounts(engs, alts, filters) {
  // Pagefind counts only the filters it has loaded: load them all first
  const everything = await Promise.all(engs.map((e) => e.pagefind.filters()));
  const out = {};
  for (const facet of FACETS) {
    const others = Object.fromEntries(Object.entries(filters).filter(([k]) => k !== facet));
    const lists = await answers(engs, alts, others);
    const counts = {};
    const add = (from) => {
      for (const [value, n] of Object.entries(from?.[facet] ?? {})) counts[value] = (counts[value] ?? 0) + n;
    };
    if (!lists.length) everything.forEach(add);
    for (const e of engs) { // archives never share a finding: their counts add up
      const mine = lists.filter((l) => l.base === e.base);
      if (mine.length <= 1 || totalOf(mine) === mine.reduce((k, l) => k + l.results.length, 0)) {
        mine.forEach((l) => add(l.filters));
        continue;
      }
      // readings that overlap: each value counted over the union of its readings' findings
      const values = new Set(mine.flatMap((l) => Object.entries(l.filters?.[facet] ?? {}).filter(([, n]) => n > 0).map(([v]) => v)));
      for (const value of values) {
        const n = totalOf(await answers([e], alts, { ...others, [facet]: [value] }));
        if (n) counts[value] = (counts[value] ?? 0) + n;
      }
    }
    out[facet] = counts;
  }
  return out;
}

/** search/sounds.json: toneless pinyin → the archive's characters with that reading, commonest
 * first, and "词表": the registries' words. Fetched only when a search finds nothing. */
function soundsOf(base) {
  return once(base, "search/sounds.json");
}

/** Levenshtein distance over characters (not UTF-16 units). */
export function editDistance(a, b) {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 0; i < x.length; i++) {
    const cur = [i + 1];
    for (let j = 0; j < y.length; j++) cur.push(Math.min(prev[j + 1] + 1, cur[j] + 1, prev[j] + (x[i] === y[j] ? 0 : 1)));
    prev = cur;
  }
  return prev[y.length];
}

const HOMOPHONES_PER_CHAR = 8; // same-sounding characters tried at each position, commonest first
const MAX_CORRECTIONS = 24; // words tried (each costs a Pagefind query); those with results are offered

/** Words a reader may have meant by `raw` (自主机, 排对, 自助终段): the registries' words that sound
 * the same or are one edit away (two for long words), then the archive's own same-sounding
 * characters put in at each position. Only words with results are ever offered (nearby). */
export async function corrections(root, raw) {
  const chars = [...normalize(raw)];
  if (chars.length < 2) return [];
  const [{ 词表: known = [], ...bySound }, names] = await Promise.all([soundsOf(root), vocabularyOf(root)]);
  const readingsOf = new Map();
  for (const [reading, cs] of Object.entries(bySound)) {
    for (const c of cs) (readingsOf.get(c) ?? readingsOf.set(c, []).get(c)).push(reading);
  }
  const sound = (c) => readingsOf.get(c) ?? [];
  const sameSound = (a, b) => a === b || sound(a).some((r) => sound(b).includes(r));
  const word = chars.join("");
  const vocab = new Set([...known, ...(names["同义词"] ?? []).flat(),
    ...FACETS.flatMap((f) => (names[f] ?? []).flatMap(([n, a]) => [n, ...a]))].map(normalize));
  vocab.delete(word);
  const out = new Set();
  for (const v of vocab) {
    const vc = [...v];
    if (vc.length === chars.length && vc.every((c, i) => sameSound(c, chars[i]))) out.add(v);
  }
  const far = chars.length >= 5 ? 2 : 1;
  for (const v of vocab) if (Math.abs([...v].length - chars.length) <= far && editDistance(v, word) <= far) out.add(v);
  for (let i = 0; i < chars.length; i++) {
    let n = 0;
    for (const r of sound(chars[i])) {
      for (const c of bySound[r] ?? "") {
        if (c === chars[i] || n >= HOMOPHONES_PER_CHAR) continue;
        n++;
        out.add([...chars.slice(0, i), c, ...chars.slice(i + 1)].join(""));
      }
    }
  }
  out.delete(word);
  return [...pinyinWords(word, vocab, sound), ...out].filter((w, i, all) => all.indexOf(w) === i).slice(0, MAX_CORRECTIONS);
}

const MAX_READINGS = 16; // pinyin spellings tried per word (characters with several readings multiply)

/** The registries' words whose toneless pinyin is `word` (zizhuji → 自助机), then those it begins
 * (zizhu → 自助机, 自助终端…): a whole word typed in pinyin before any shorter piece of it. */
function pinyinWords(word, vocab, sound) {
  if (!PINYIN.test(word)) return [];
  const whole = [];
  const begun = [];
  for (const v of vocab) {
    let spellings = [""];
    for (const c of v) {
      const rs = sound(c);
      if (!rs.length) { spellings = []; break; }
      spellings = spellings.flatMap((p) => rs.map((r) => p + r)).slice(0, MAX_READINGS);
    }
    if (spellings.includes(word)) whole.push(v);
    else if (word.length >= 4 && spellings.some((p) => p.startsWith(word))) begun.push(v);
  }
  return [...whole, ...begun];
}

/** A phrase of four characters or more cut in two, each side at least two characters (等候时间长 →
 * 等候 时间长, 等候时 间长): the reader may have meant both words, not that phrase. */
function splits(raw) {
  const chars = [...raw];
  if (chars.length < 4 || chars.length > 12 || PINYIN.test(raw)) return [];
  const out = [];
  for (let k = 2; k <= chars.length - 2; k++) out.push(chars.slice(0, k).join("") + " " + chars.slice(k).join(""));
  return out;
}

/** When a phrase finds something: its words apart, when they find more (one tap: 等候 时间长). The
 * pairs of the two words are pairs of the phrase: Pagefind has loaded them already. */
async function apart(engs, root, query, read, explicit, literal, found) {
  let best = null;
  for (const [i, raw] of read.rawTerms.entries()) {
    if (read.quoted?.[i]) continue;
    for (const split of splits(raw)) {
      const q = query.replace(raw, split);
      const { wanted, alts } = await reading(root, q, explicit, literal);
      const total = totalOf(await answers(engs, alts, wanted));
      if (total > found && (!best || total > best.total)) best = { label: `分开搜索“${split}”`, query: q, filters: explicit, total };
    }
  }
  if (!best) return [];
  if (found >= SUGGESTION_CHECK) return [best]; // many found: Pagefind's count, read as the reader pages
  const cursor = await open(best.query, { filters: best.filters, base: root, literal });
  const more = await cursor.next(found + SUGGESTION_CHECK);
  if (more.length <= found) return [];
  return [{ ...best, total: cursor.done ? more.length : cursor.total }];
}

/** When nothing is found: nearby searches that do find something (never a dead end). */
async function nearby(engs, root, query, read, explicit, literal) {
  const tries = [];
  for (const [i, raw] of read.rawTerms.entries()) {
    if (read.quoted?.[i]) continue;
    for (const [k, word] of (await corrections(root, raw)).entries()) {
      // what was probably meant first, in the order corrections() found it (a whole word by pinyin first)
      tries.push({ label: `搜索“${word}”`, query: query.replace(raw, word), filters: explicit, rank: 1000 - k });
    }
    for (const split of splits(raw)) {
      tries.push({ label: `分开搜索“${split}”`, query: query.replace(raw, split), filters: explicit, rank: 1 });
    }
  }
  for (const u of read.understood) {
    tries.push({ label: `在正文中搜索“${u.word}”`, query: asText(query, u.word), filters: explicit });
    tries.push({ label: `不限${u.facet}“${u.value}”`, query: without(query, u.word), filters: explicit });
  }
  for (const [facet, values] of Object.entries(explicit)) {
    for (const v of values) {
      const rest = { ...explicit, [facet]: values.filter((x) => x !== v) };
      if (!rest[facet].length) delete rest[facet];
      tries.push({ label: `去掉筛选：${facet}“${v}”`, query, filters: rest });
    }
  }
  const narrowed = read.rawTerms.length > 1 || read.understood.length || Object.keys(explicit).length;
  for (const raw of read.rawTerms) {
    const chars = [...raw];
    if (narrowed) tries.push({ label: `不要求包含“${raw}”`, query: without(query, raw), filters: explicit });
    for (let n = chars.length - 1; n >= 2; n--) { // shorter words, longest first: 母婴室拱 … 母婴
      for (const shorter of new Set([chars.slice(0, n).join(""), chars.slice(-n).join("")])) {
        tries.push({ label: `搜索“${shorter}”`, query: query.replace(raw, `"${shorter}"`), filters: explicit });
      }
    }
  }
  const counted = await Promise.all(tries.map(async (t) => {
    const { wanted, alts } = await reading(root, t.query, t.filters, literal);
    return { ...t, total: totalOf(await answers(engs, alts, wanted)) };
  }));
  // Pagefind's count is of findings holding every pair of a word's characters; a shortened word
  // that exists nowhere can still have all its pairs apart in one finding. Each proposal is read
  // before it is offered, so a suggestion never leads to nothing, and its count is exact.
  const seen = new Set();
  const out = [];
  // a correction of a word first (what was probably meant), then the rest, most results first
  for (const t of counted.filter((t) => t.total > 0).sort((a, b) => (b.rank ?? 0) - (a.rank ?? 0) || b.total - a.total)) {
    if (out.length >= 5 || seen.has(t.label)) continue;
    seen.add(t.label);
    const cursor = await open(t.query, { filters: t.filters, base: root, literal });
    const found = await cursor.next(SUGGESTION_CHECK);
    if (!found.length) continue;
    out.push({ ...t, total: cursor.done ? found.length : cursor.total });
  }
  return out;
}

const SUGGESTION_CHECK = 30; // findings read to confirm a suggestion (and count it exactly when fewer)

/**
 * Opens a search and returns a cursor; `next(n)` loads only as many findings as it needs, so the
 * first screen of results costs a few small fragments, not the whole result set. `total` is the
 * number of findings Pagefind matched: exact for words of one or two characters and for filters;
 * for a longer word it may include a finding that holds every pair of its characters but not the
 * word, which `next` never returns (once `done`, the results counted are exact).
 */
/** A query read (names as filters, unless `literal`) and the filters in force: the given ones
 * and those the query's names add (any of the values of one facet). */
async function reading(root, query, filters, literal) {
  const names = await vocabularyOf(root);
  const read = literal
    ? { terms: terms(query), rawTerms: tokens(query).map((t) => t.raw), quoted: [], filters: {}, understood: [] }
    : understand(query, names);
  const wanted = { ...filters };
  for (const [k, vs] of Object.entries(read.filters)) wanted[k] = [...new Set([...(wanted[k] ?? []), ...vs])];
  return { read, wanted, alts: synonymsOf(read, names, literal), names };
}

export async function open(query, { filters = {}, base, literal = false } = {}) {
  const root = siteBase(base);
  const explicit = cleanFilters(filters);
  const { read, wanted, alts, names } = await reading(root, query, explicit, literal);
  const words = read.terms;
  let sources = [];
  let total = 0;
  let engs = null;
  let unknown = [];
  if (words.length || Object.keys(wanted).length) {
    engs = await engines(root);
    unknown = Object.keys(wanted).length ? await unknownValues(engs, wanted) : [];
    if (!unknown.length) {
      const lists = await answers(engs, alts, wanted);
      total = totalOf(lists);
      sources = lists.map((l) => new Source(l)).filter((src) => !src.empty);
    }
  }
  const seen = new Set();
  const buffer = [];
  const tally = {}; // facet → value → findings found so far: every one once `done`
  let delivered = 0;
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
      const key = sources[best].base + "|" + record.id;
      if (seen.has(key)) continue;
      seen.add(key);
      return { meta: record.meta, districts: record.districts, source: sources[best] };
    }
  }
  return {
    terms: words,
    /** Every word a result may contain: the typed words and their synonyms (for marking matches). */
    marks: alts.flat(),
    /** The synonyms searched as well: [{term, words}] (the status line's 也找了). */
    also: alts.map((a, i) => ({ term: read.rawTerms[i] ?? words[i], words: a.slice(1) })).filter((a) => a.words.length),
    filters: wanted,
    understood: read.understood,
    /** The newest issue ({id, number}), for a search that leads nowhere to lead somewhere. */
    latest: names?.["最新一期"] ?? null,
    /** Findings Pagefind proposed, until every proposal has been read: then those really found. */
    get total() {
      return this.done ? delivered : total;
    },
    /** The archives searched, by name, when there are several (mkdocs.yml `extra.search_also`). */
    archives: engs && engs.length > 1 ? engs.map((e) => e.name) : [],
    /** Other archives that could not be searched this time, by name. */
    unreachable: engs?.unreachable ?? [],
    /** Filter values no archive has ([{facet, value}]): nothing is found, and the status says why. */
    unknown,
    /** Records Pagefind proposed (kept for callers of the first version: the same as total). */
    candidates: total,
    get done() {
      return buffer.length === 0 && sources.every((src) => src.empty);
    },
    async next(n = 20) {
      while (buffer.length < n) {
        const next = await nextRecord(n - buffer.length);
        if (!next) break;
        const record = next.meta;
        for (const f of JSON.parse(record.findings)) {
          f.norm = normalize(f.text);
          const values = facetValues(record, f, next.districts);
          const result = facetMatches(wanted, values) && words.every((t, i) => termMatches(t, alts[i], f))
            ? resultOf(next.source, record, f) : null;
          if (!result) continue;
          buffer.push(result);
          for (const facet of FACETS) {
            const into = (tally[facet] ??= {});
            for (const v of values[facet]) into[v] = (into[v] ?? 0) + 1;
          }
        }
      }
      const out = buffer.splice(0, n);
      delivered += out.length;
      return out;
    },
    /** {facet: {value: findings}} for this query, each facet under the others' filters. */
    async counts() {
      const counted = await facetCounts(engs ?? (await engines(root)), alts, wanted);
      // Pagefind counts the findings it proposed; once every proposal has been read, the findings
      // really found are known, and a facet not filtered on counts exactly those (a long word's
      // characters in pairs apart, or a pinyin word as text, are proposals the text check turned down)
      if (this.done && !unknown.length) for (const facet of FACETS) if (!wanted[facet]) counted[facet] = { ...(tally[facet] ?? {}) };
      return counted;
    },
    /** Nearby searches with results, when this one has none: [{label, query, filters, total}]. */
    async suggestions() {
      // Pagefind may propose findings that hold a long word's pairs apart: nothing found is
      // known once every proposal has been read and none delivered
      if (total > 0 && (delivered > 0 || !this.done)) {
        // something found: the phrase's words apart, when they find more than what is listed
        const found = this.done ? delivered : total;
        return apart(engs ?? (await engines(root)), root, query, read, explicit, literal, found);
      }
      return nearby(engs ?? (await engines(root)), root, query, read, explicit, literal);
    },
  };
}

/** Every finding that contains all terms of `query` and passes `filters`, newest first. */
export async function search(query, { filters = {}, base, limit = Infinity, literal = false } = {}) {
  const cursor = await open(query, { filters, base, literal });
  return cursor.next(limit);
}

// What a preview never cuts: a number with its unit or date part (12 月 30 日, 97.30%, 15:00), a
// Latin word or code (12345, A3). Indexes are code points.
const WHOLE = /(?:\d+(?:[.,:：]\d+)*\s*(?:年|月|日|时|分|秒|号|点|%|％|个|件|次|名|人|台|天|期|条)?\s*)+|[A-Za-z][A-Za-z0-9._-]*/gu;
const CLAUSE = /[，。；：、！？,;:!?（(“]/u;

function wholeSpans(chars) {
  const text = chars.join("");
  const out = [];
  for (const m of text.matchAll(WHOLE)) {
    const start = [...text.slice(0, m.index)].length;
    out.push([start, start + [...m[0]].length]);
  }
  return out;
}

/** Up to about `width` characters of the text around its first match (so a suggestion shows why),
 * starting and ending at a word boundary: after a clause's punctuation where one is near, and never
 * inside a number, a date or a name (…2 月 30 日 for 12 月 30 日 changed the date). */
export function excerpt(text, terms, width = 60) {
  const chars = [...String(text)];
  if (chars.length <= width) return chars.join("");
  const pieces = highlight(text, terms);
  let before = 0;
  const first = pieces.findIndex((p) => p.hit); // none when the match was by pinyin: show the start
  for (const p of first < 0 ? [] : pieces.slice(0, first)) before += [...p.text].length;
  let start = Math.max(0, Math.min(before - 15, chars.length - width));
  for (let k = start; k > Math.max(0, start - 12); k--) {
    if (CLAUSE.test(chars[k - 1])) { start = k; break; } // begin a clause rather than mid-phrase
  }
  let end = Math.min(chars.length, start + width);
  for (const [a, b] of wholeSpans(chars)) {
    if (a < start && start < b) start = a;
    if (a < end && end < b) end = b;
  }
  const cut = chars.slice(start, end).join("").trim();
  return (start > 0 ? "…" : "") + cut + (end < chars.length ? "…" : "");
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
