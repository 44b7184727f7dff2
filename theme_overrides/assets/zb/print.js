// GB/T 9704: the 版记 (报、发 with its rules) sits at the foot of the last page. CSS cannot say
// "the bottom of the last page", so when the page is laid out for print (the print media query
// turns true: Chromium has the pages laid out by then) this measures where the 版记 fell and
// gives it the space above that takes it down to the page's foot. Back on screen: removed. Printed
// with print media emulated beforehand: placeFromColumns (doc/publishing.md, Print).
const foot = document.querySelector("[data-zb-foot]");
const PAGE_MM = 225; // the text block's height (A4 less 37 mm above and 35 mm below)

function place() {
  foot.style.removeProperty("--zb-foot-space");
  const page = (PAGE_MM / 25.4) * 96; // CSS px
  const box = foot.getBoundingClientRect();
  const top = box.top + scrollY;
  const offset = top - Math.floor(top / page + 1e-6) * page; // where it starts on its page
  const space = page - offset - box.height - 2; // what is left below it, less a hair for rounding
  if (space > 0) {
    const before = parseFloat(getComputedStyle(foot).marginTop) || 0;
    foot.style.setProperty("--zb-foot-space", `${before + space}px`);
  }
}

/** With print media already in force (the developer tools' emulation), no event comes once the
 * pages are laid out. The page's printed content is laid out instead in columns one page high
 * and one text block wide (Chromium breaks columns as it breaks pages: the same rules keep a
 * heading with its text), and the 版记's column and place in it say where it will print. */
function placeFromColumns() {
  foot.style.removeProperty("--zb-foot-space");
  const content = foot.closest("article") ?? document.body;
  const page = (PAGE_MM / 25.4) * 96;
  const box = document.createElement("div");
  box.setAttribute("aria-hidden", "true");
  box.style.cssText = `position:absolute;left:0;top:0;visibility:hidden;width:156mm;height:${page}px;` +
    "column-width:156mm;column-gap:0;column-fill:auto;overflow:visible";
  const copy = content.cloneNode(true);
  copy.querySelectorAll("[id]").forEach((el) => el.removeAttribute("id"));
  box.append(copy);
  document.body.append(box);
  try {
    const mark = copy.querySelector("[data-zb-foot]");
    const outer = box.getBoundingClientRect();
    const rect = mark.getBoundingClientRect();
    const offset = rect.top - outer.top; // from the top of its page
    const space = page - offset - rect.height - 2;
    if (space > 0) {
      const before = parseFloat(getComputedStyle(mark).marginTop) || 0;
      foot.style.setProperty("--zb-foot-space", `${before + space}px`);
    }
  } finally {
    box.remove();
  }
}

if (foot) {
  const print = matchMedia("print");
  const unplace = () => foot.style.removeProperty("--zb-foot-space");
  print.addEventListener("change", () => (print.matches ? place() : unplace()));
  // Printing from a screen already showing print media (the developer tools' print emulation): the
  // media does not change as the pages are laid out, and what place() measured then was one long
  // unpaginated page, whose space would push the 版记 onto a page of its own.
  addEventListener("beforeprint", () => {
    if (print.matches) placeFromColumns();
  });
}
