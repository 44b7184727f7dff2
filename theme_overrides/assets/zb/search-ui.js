// The search box in the header (a combobox) and the full view on the 搜索 page.
// All logic is in search/search.js; this file only draws. Bulletin text is set with textContent,
// never as HTML.
import { FACETS, asText, excerpt, highlight, open, without } from "../../search/search.js";

const BASE = new URL("../../", import.meta.url).href;
const SEARCH_PAGE = new URL("search/", BASE).href;
const SUGGESTIONS = 8;
const PAGE_SIZE = 20;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function dateCn(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y} 年 ${m} 月 ${d} 日`;
}

const CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

function place(r) {
  const n = Number(r.anchor.split("-").pop());
  const marker = n >= 1 && n <= CIRCLED.length ? CIRCLED[n - 1] : `(${n})`;
  const where = r.archive ? `${r.archive} · ` : ""; // searching several archives: whose finding
  return `${where}第 ${r.number} 期 · ${dateCn(r.date)} · ${r.district} ${marker}`;
}

function marked(text, terms) {
  const frag = document.createDocumentFragment();
  for (const piece of highlight(text, terms)) {
    frag.append(piece.hit ? el("mark", { text: piece.text }) : document.createTextNode(piece.text));
  }
  return frag;
}

/** "也找了：自助机、自助服务机" for the synonyms a search added (issues/registry/synonyms.yaml). */
function alsoText(also) {
  return also.length ? "也找了：" + also.map((a) => a.words.join("、")).join("；") : "";
}

/** "按 区县“甲区”、年份“2019”筛选" for the names a query was read as. */
function understoodText(understood) {
  if (!understood.length) return "";
  return "按" + understood.map((u) => ` ${u.facet}“${u.value}”`).join("、") + " 筛选";
}

function searchUrl(query, filters = {}) {
  const url = new URL(SEARCH_PAGE);
  if (query) url.searchParams.set("q", query);
  for (const [key, values] of Object.entries(filters)) for (const v of values) url.searchParams.append(key, v);
  return url.href;
}

/* ---------- header combobox ---------- */

function setupHeader(form) {
  const input = form.querySelector("input[name=q]");
  const box = form.querySelector(".zb-suggest");
  const list = box.querySelector("[role=listbox]");
  const status = box.querySelector(".zb-suggest__status");
  let active = -1;
  let generation = 0;
  let timer = 0;

  const options = () => [...list.querySelectorAll("[role=option]")];
  function show(on) {
    box.hidden = !on;
    input.setAttribute("aria-expanded", String(on));
    if (!on) setActive(-1);
  }
  function setActive(i) {
    const opts = options();
    active = opts.length ? Math.max(-1, Math.min(i, opts.length - 1)) : -1;
    opts.forEach((o, k) => o.setAttribute("aria-selected", String(k === active)));
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  }
  function option(i, href, ...content) {
    const li = el("li", { id: `zb-opt-${i}`, role: "option", "aria-selected": "false", class: "zb-option" });
    const a = el("a", { href, tabindex: "-1" }, ...content);
    li.append(a);
    li.addEventListener("mousedown", (e) => e.preventDefault()); // keep focus in the box
    return li;
  }

  async function update() {
    const query = input.value.trim();
    const mine = ++generation;
    if (!query) {
      list.replaceChildren();
      show(false);
      return;
    }
    status.textContent = "正在查找…";
    show(true);
    try {
      const cursor = await open(query, { base: BASE });
      const results = await cursor.next(SUGGESTIONS);
      if (mine !== generation) return;
      const items = results.map((r, i) =>
        option(i, r.url, el("span", { class: "zb-option__place", text: place(r) }),
          el("span", { class: "zb-option__text" }, marked(excerpt(r.text, cursor.marks), cursor.marks))),
      );
      items.push(option(items.length, searchUrl(query),
        el("span", { class: "zb-option__all", text: "查看全部结果，并按区县、问题类型、部门、年份筛选 →" })));
      list.replaceChildren(...items);
      const read = understoodText(cursor.understood);
      const also = alsoText(cursor.also);
      status.textContent = results.length
        ? [read && `${read}，共 ${cursor.total} 条`, also].filter(Boolean).join("；")
        : `没有找到${read ? `（${read}）` : ""}包含“${cursor.terms.join(" ") || query}”的问题；回车到搜索页查看相近的词和结果。`;
      setActive(-1);
    } catch (err) {
      if (mine === generation) status.textContent = `搜索出错：${err.message}`;
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  input.addEventListener("focus", () => {
    if (input.value.trim() && list.children.length) show(true);
  });
  input.addEventListener("keydown", (e) => {
    const opts = options();
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (box.hidden && input.value.trim()) show(true);
      e.preventDefault();
      setActive(active + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Enter" && active >= 0 && opts[active]) {
      e.preventDefault();
      location.href = opts[active].querySelector("a").href;
    } else if (e.key === "Escape" && !box.hidden) {
      e.preventDefault(); // close the list, keep the words (a second Esc clears them, as usual)
      show(false);
    }
  });
  form.addEventListener("focusout", (e) => {
    if (!form.contains(e.relatedTarget)) show(false);
  });
  document.addEventListener("keydown", (e) => {
    const typing = e.target.closest?.("input, textarea, select, [contenteditable]");
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      input.focus();
    }
  });
}

/* ---------- the 搜索 page ---------- */

function setupPage(root) {
  const form = root.querySelector("form");
  const input = form.querySelector("input[name=q]");
  const pane = root.querySelector(".zb-filters");
  const paneCount = root.querySelector(".zb-filters__count");
  const status = root.querySelector(".zb-status");
  const chips = root.querySelector(".zb-active");
  const hints = root.querySelector(".zb-hints");
  const list = root.querySelector(".zb-results");
  const more = root.querySelector(".zb-more");
  let cursor = null;
  let shown = 0;
  let generation = 0;
  // The pane starts closed (a phone shows results first, and nothing moves as they arrive); a wide
  // screen opens it at once, before any result is drawn.
  if (!matchMedia("(max-width: 44.984375em)").matches) pane.open = true;

  // Filters a link may carry that the pane has no box for (月份, from a heat map's cell; a value
  // this archive does not have, which search then names instead of dropping it).
  let extra = {};
  const box = (name, value) => [...form.querySelectorAll(`input[type=checkbox][name="${name}"]`)].find((b) => b.value === value);

  function chosen() {
    const out = {};
    for (const name of FACETS) {
      const values = [...(extra[name] ?? []),
        ...[...form.querySelectorAll(`input[type=checkbox][name="${name}"]:checked`)].map((c) => c.value)];
      if (values.length) out[name] = values;
    }
    return out;
  }

  function readUrl() {
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") ?? "";
    for (const box of form.querySelectorAll("input[type=checkbox]")) {
      box.checked = params.getAll(box.name).includes(box.value);
    }
    extra = {};
    for (const n of FACETS) {
      const loose = params.getAll(n).filter((v) => !box(n, v));
      if (loose.length) extra[n] = loose;
    }
  }

  function chip(label, title, onRemove) {
    const b = el("button", { type: "button", class: "zb-chip zb-chip-active", title, "aria-label": `${title}：${label}` },
      el("span", { text: label }), el("span", { "aria-hidden": "true", class: "zb-chip__x", text: "×" }));
    b.addEventListener("click", onRemove);
    return b;
  }

  /** The filters in force as chips: those read from the query (with their text reading) and ticked ones. */
  function drawChips(c) {
    chips.replaceChildren();
    for (const u of c.understood) {
      chips.append(chip(`${u.facet}：${u.value}`, `去掉筛选（来自搜索词“${u.word}”）`, () => {
        input.value = without(input.value, u.word);
        run(true);
      }));
      const text = el("button", { type: "button", class: "zb-textread", text: `在正文中搜索“${u.word}”` });
      text.addEventListener("click", () => {
        input.value = asText(input.value, u.word);
        run(true);
      });
      chips.append(text);
    }
    for (const box of form.querySelectorAll("input[type=checkbox]:checked")) {
      chips.append(chip(`${box.name}：${box.value}`, "去掉筛选", () => {
        box.checked = false;
        run(true);
      }));
    }
    for (const [name, values] of Object.entries(extra)) {
      for (const v of values) {
        chips.append(chip(`${name}：${v}`, "去掉筛选", () => {
          extra[name] = extra[name].filter((x) => x !== v);
          if (!extra[name].length) delete extra[name];
          run(true);
        }));
      }
    }
    const n = form.querySelectorAll("input[type=checkbox]:checked").length + c.understood.length
      + Object.values(extra).reduce((k, vs) => k + vs.length, 0);
    paneCount.textContent = n ? `（已选 ${n} 项）` : "";
  }

  /** Counts that follow the query and the other filters; a value with none is greyed, not hidden. */
  async function drawCounts(c, mine) {
    // Nothing found: every value counts 0 (Pagefind's counts are of candidates, which the text
    // check turned down), and no box can be ticked into a second dead end.
    const none = !shown && c.done;
    const counts = none ? {} : await c.counts();
    if (mine !== generation) return;
    for (const box of form.querySelectorAll("input[type=checkbox]")) {
      const n = counts[box.name]?.[box.value] ?? 0;
      const label = box.closest("label");
      label.querySelector(".zb-count").textContent = String(n);
      label.classList.toggle("zb-none", n === 0 && !box.checked);
      box.disabled = n === 0 && !box.checked;
    }
    root.dataset.counts = "live"; // the pane now counts this query's findings
  }

  /** Where to go when a search leads nowhere: pages that exist in every archive. */
  function browse(latest) {
    const links = [["往期通报", "archive/"], ["区县", "districts/"], ["问题类型", "types/"], ["部门", "departments/"]];
    if (latest) links.unshift([`最新一期（第 ${latest.number} 期）`, `issues/${latest.id}/`]);
    const p = el("p", { class: "zb-browse" }, "或者浏览：");
    links.forEach(([label, href], i) => p.append(...(i ? ["、"] : []), el("a", { href: new URL(href, BASE).href, text: label })));
    return p;
  }

  async function drawSuggestions(c, mine) {
    const near = await c.suggestions();
    if (mine !== generation) return;
    hints.replaceChildren();
    if (!near.length && shown) return; // found, and its words apart find no more
    if (!near.length) {
      hints.append(el("p", { class: "zb-help", text: "换一个词试试（少写几个字，或用通报中的说法）。" }), browse(c.latest));
      return;
    }
    hints.append(el("p", { class: "zb-hints__title", text: "试试：" }));
    for (const s of near) {
      const b = el("button", { type: "button", class: "zb-hint", text: `${s.label}（${s.total} 条）` });
      b.addEventListener("click", () => {
        input.value = s.query;
        for (const box of form.querySelectorAll("input[type=checkbox]")) {
          box.checked = (s.filters[box.name] ?? []).includes(box.value);
        }
        extra = {};
        for (const [n, values] of Object.entries(s.filters)) {
          const loose = values.filter((v) => !box(n, v));
          if (loose.length) extra[n] = loose;
        }
        run(true);
      });
      hints.append(b);
    }
    if (!shown) hints.append(browse(c.latest));
  }

  function item(r, terms) {
    const tags = el("p", { class: "zb-chips" });
    for (const t of r.types) tags.append(el("span", { class: "zb-chip zb-chip-type", text: t }));
    for (const d of r.departments) tags.append(el("span", { class: "zb-chip zb-chip-dept", text: d }));
    return el("li", { class: "zb-result" },
      el("a", { class: "zb-result__place", href: r.url, text: place(r) }),
      el("p", { class: "zb-result__text" }, marked(r.text, terms)),
      tags);
  }

  function describe() {
    const from = cursor.archives.length ? `（${cursor.archives.join("、")}）` : ""; // several archives
    const missing = cursor.unreachable.length ? `${cursor.unreachable.join("、")}暂时无法搜索。` : "";
    if (cursor.unknown.length) {
      status.textContent = `共 0 条：没有${cursor.unknown.map((u) => `${u.facet}“${u.value}”`).join("、")}。${missing}`;
      return;
    }
    const also = cursor.also.length ? `${alsoText(cursor.also)}。` : "";
    if (!shown) status.textContent = `${from}没有找到符合条件的问题。${also}${missing}`;
    else if (cursor.done) status.textContent = `共 ${shown} 条${from}，最新的在前。${also}${missing}`;
    else status.textContent = `共 ${Math.max(cursor.total, shown)} 条${from}，最新的在前；已显示 ${shown} 条。${also}${missing}`;
  }

  async function page() {
    const mine = generation;
    more.disabled = true;
    const results = await cursor.next(PAGE_SIZE);
    if (mine !== generation) return;
    list.append(...results.map((r) => item(r, cursor.marks)));
    shown += results.length;
    more.hidden = cursor.done;
    more.disabled = false;
    // nothing found: the status waits for the suggestions, so that both appear together
    if (shown || !cursor.done) describe();
  }

  /** Each new query or filter is a history entry: Back and Forward walk through them. The entry
   * left behind keeps how far down the reader was and how many results were shown. */
  function remember() {
    history.replaceState({ scroll: scrollY, shown }, "", location.href);
  }

  async function run(push, restore = null) {
    const query = input.value.trim();
    const filters = chosen();
    const mine = ++generation;
    const target = searchUrl(query, filters);
    if (push && target !== location.href) {
      remember();
      history.pushState({ scroll: 0, shown: 0 }, "", target);
    }
    list.replaceChildren();
    hints.replaceChildren();
    delete root.dataset.counts;
    delete root.dataset.ready;
    shown = 0;
    more.hidden = true;
    if (!query && !Object.keys(filters).length) {
      status.textContent = "输入要找的文字，或选择筛选条件。";
      drawChips({ understood: [] });
      for (const b of form.querySelectorAll("input[type=checkbox]")) b.disabled = false;
      root.dataset.ready = "1";
      return;
    }
    status.textContent = "正在查找…";
    try {
      const c = await open(query, { filters, base: BASE });
      if (mine !== generation) return;
      cursor = c;
      drawChips(c);
      await page();
      while (restore && shown < restore.shown && !cursor.done && mine === generation) await page();
      if (mine !== generation) return;
      if (restore) scrollTo(0, restore.scroll);
      await drawSuggestions(c, mine);
      if (mine !== generation) return;
      describe();
      await drawCounts(c, mine);
      if (mine === generation) root.dataset.ready = "1";
    } catch (err) {
      if (mine === generation) status.textContent = `搜索出错：${err.message}`;
    }
  }

  addEventListener("popstate", (e) => {
    readUrl();
    if (header) header.querySelector("input").value = input.value;
    run(false, e.state ?? { scroll: 0, shown: 0 });
  });
  addEventListener("pagehide", remember); // a result opened, then Back: the same place in the list
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run(true);
  });
  form.addEventListener("change", (e) => {
    if (e.target.type === "checkbox") run(true);
  });
  more.addEventListener("click", () => page().catch((err) => (status.textContent = `搜索出错：${err.message}`)));
  root.querySelector(".zb-skip-results")?.addEventListener("click", (e) => {
    e.preventDefault(); // the list takes the focus: the next Tab is the first result
    list.focus({ preventScroll: false });
  });
  readUrl();
  run(false, history.state);
}

const header = document.querySelector("[data-zb-search]");
if (header) setupHeader(header);
const full = document.querySelector("[data-zb-searchpage]");
if (full) {
  setupPage(full);
  if (header) header.querySelector("input").value = new URLSearchParams(location.search).get("q") ?? "";
}
