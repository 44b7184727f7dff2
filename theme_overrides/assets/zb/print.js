// GB/T 9704: the 版记 (报、发 with its rules) sits at the foot of the last page. CSS cannot say
// "the bottom of the last page", so when the page is laid out for print (the print media query
// turns true: Chromium has the pages laid out by then) this measures where the 版记 fell and
// gives it the space above that takes it down to the page's foot. Back on screen: removed.
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

if (foot) {
  const print = matchMedia("print");
  print.addEventListener("change", () => (print.matches ? place() : foot.style.removeProperty("--zb-foot-space")));
}
