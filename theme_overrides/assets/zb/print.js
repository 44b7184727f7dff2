// GB/T 9704: the 版记 (报、发 with its rules) sits at the foot of the last page. CSS cannot say
// "the bottom of the last page", so when the page is laid out for print (the print media query
// turns true: Chromium has the pages laid out by then) this measures where the 版记 fell and
// gives it the space above that takes it down to the page's foot. Back on screen: removed. Printed
// with print media emulated beforehand, the pages are never laid out before printing: the 版记
// then follows the text on the last page (doc/publishing.md, Print).
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
  const unplace = () => foot.style.removeProperty("--zb-foot-space");
  print.addEventListener("change", () => (print.matches ? place() : unplace()));
  // Printing from a screen already showing print media (the developer tools' print emulation): the
  // media does not change as the pages are laid out, and what place() measured then was one long
  // unpaginated page, whose space would push the 版记 onto a page of its own. It follows the text.
  addEventListener("beforeprint", () => {
    if (print.matches) unplace();
  });
}
