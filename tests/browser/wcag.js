// WCAG 2.1 AA checks run in the page: text contrast (1.4.3) and form control names (1.3.1,
// 4.1.2). Returns a list of problems, each a sentence naming the element and its text.
() => {
  const parse = (value) => {
    const found = value.match(/rgba?\(([^)]+)\)/);
    if (!found) return null;
    const parts = found[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, below) => top.slice(0, 3).map((v, i) => v * top[3] + below[i] * (1 - top[3]))
    .concat([1]);
  const luminance = (rgb) => {
    const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
  };
  // The colour behind an element: its own and its ancestors' backgrounds, laid over white.
  const backdrop = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour && colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
  };
  const describe = (element, text) =>
    `<${element.tagName.toLowerCase()}${element.className ? ` class="${element.className}"` : ""}> ` +
    `"${text.trim().replace(/\s+/g, " ").slice(0, 40)}"`;
  const problems = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent;
    const element = walker.currentNode.parentElement;
    if (!text.trim() || !element || seen.has(element)) continue;
    seen.add(element);
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (style.visibility !== "visible" || box.width < 2 || box.height < 2) continue;
    if (element.closest("[disabled], [aria-hidden='true'], option")) continue;
    const below = backdrop(element);
    const [lighter, darker] = [luminance(over(parse(style.color), below)), luminance(below)]
      .sort((a, b) => b - a);
    const ratio = (lighter + 0.05) / (darker + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      problems.push(`${describe(element, text)} has contrast ${ratio.toFixed(2)}:1`);
    }
  }
  const controls = "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea";
  for (const control of document.querySelectorAll(controls)) {
    const named = control.labels?.length || control.getAttribute("aria-label") ||
      control.getAttribute("aria-labelledby") || control.getAttribute("title");
    if (!named) problems.push(`${describe(control, control.name || control.id || "")} has no label`);
  }
  for (const button of document.querySelectorAll("button, input[type=submit]")) {
    if (!(button.textContent.trim() || button.value || button.getAttribute("aria-label"))) {
      problems.push(`${describe(button, "")} has no name`);
    }
  }
  return problems;
}
