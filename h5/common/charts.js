// Small inline-SVG charts for the statistics views of the bank and registry consoles: columns, bars and a
// share bar. They are drawn with DOM calls only, so the pages need no chart library, and every label is
// set with textContent, so data from the server is never parsed as markup.
//
// Each chart replaces the children of its container with one `<svg class="chart-svg">`. Its parts carry
// the classes axis, tick, bar, label, value and part part-<kind>, which the page's stylesheet colours.
"use strict";

window.Charts = (() => {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const WIDTH = 900;
  const NO_DATA = "无数据";

  function svgElement(name, attributes, text) {
    const element = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes || {})) {
      element.setAttribute(key, String(value));
    }
    if (text !== undefined) {
      element.textContent = text;
    }
    return element;
  }

  function newSvg(container, height, title) {
    const svg = svgElement("svg", { viewBox: `0 0 ${WIDTH} ${height}`, width: "100%", role: "img", class: "chart-svg" });
    svg.appendChild(svgElement("title", {}, title || ""));
    container.replaceChildren(svg);
    return svg;
  }

  function showEmpty(container) {
    const note = document.createElement("p");
    note.className = "muted";
    note.textContent = "暂无数据。";
    container.replaceChildren(note);
  }

  // A scale maximum of 1, 2 or 5 times a power of ten, so the axis labels are round numbers.
  function niceMaximum(value) {
    if (value <= 0) {
      return 1;
    }
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5]) {
      if (value <= step * power) {
        return step * power;
      }
    }
    return 10 * power;
  }

  function formatTick(value) {
    return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }

  // Draw one column per item ({label, value}), e.g. the applications of each day. The x-axis shows every
  // `labelEvery`-th label, by default as many as keep about 15 labels.
  function columns(container, items, { title, labelEvery = Math.ceil(items.length / 15) } = {}) {
    if (!items.length) {
      showEmpty(container);
      return;
    }
    const height = 260, left = 44, bottom = 40, top = 16;
    const svg = newSvg(container, height, title);
    const plotHeight = height - top - bottom;
    const maximum = niceMaximum(Math.max(0, ...items.map((item) => item.value)));
    const slot = (WIDTH - left - 8) / items.length;

    for (const fraction of [0, 0.5, 1]) {
      const y = top + plotHeight * (1 - fraction);
      svg.appendChild(svgElement("line", { x1: left, x2: WIDTH - 4, y1: y, y2: y, class: "axis" }));
      svg.appendChild(svgElement("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "tick" },
                                 formatTick(maximum * fraction)));
    }
    items.forEach((item, index) => {
      const barHeight = plotHeight * item.value / maximum;
      const x = left + index * slot + slot * 0.15;
      const bar = svgElement("rect", { x, y: top + plotHeight - barHeight, width: Math.max(slot * 0.7, 1),
                                       height: barHeight, class: "bar", "data-label": item.label,
                                       "data-value": item.value });
      bar.appendChild(svgElement("title", {}, `${item.label}：${item.value}`));
      svg.appendChild(bar);
      if (index % labelEvery === 0) {
        svg.appendChild(svgElement("text", { x: x + slot * 0.35, y: height - bottom + 16, "text-anchor": "middle",
                                             class: "tick" }, item.label));
      }
    });
  }

  // Draw one horizontal bar per item ({label, value, note}) with its label on the left and its value, then
  // the optional note, on the right. A null value draws an empty row marked 无数据.
  function bars(container, items, { title, formatValue = String } = {}) {
    if (!items.length) {
      showEmpty(container);
      return;
    }
    const rowHeight = 30, left = 220, right = 170;
    const svg = newSvg(container, items.length * rowHeight + 10, title);
    const maximum = Math.max(...items.map((item) => item.value || 0), 0) || 1;

    items.forEach((item, index) => {
      const y = 5 + index * rowHeight;
      const barWidth = (WIDTH - left - right) * (item.value || 0) / maximum;
      const valueText = item.value === null || item.value === undefined ? NO_DATA : formatValue(item.value);
      svg.appendChild(svgElement("text", { x: left - 8, y: y + 19, "text-anchor": "end", class: "label" }, item.label));
      const bar = svgElement("rect", { x: left, y: y + 5, width: Math.max(barWidth, 1), height: rowHeight - 10,
                                       class: "bar", "data-label": item.label, "data-value": item.value ?? "" });
      bar.appendChild(svgElement("title", {}, `${item.label}：${valueText}`));
      svg.appendChild(bar);
      svg.appendChild(svgElement("text", { x: left + barWidth + 6, y: y + 19, class: "value" },
                                 valueText + (item.note ? `  ${item.note}` : "")));
    });
  }

  // Draw one bar split into parts ({label, value, kind}) by their share of the total, with a legend below.
  function shares(container, parts, { title } = {}) {
    const height = 70, total = parts.reduce((sum, part) => sum + part.value, 0);
    const svg = newSvg(container, height, title);
    if (!total) {
      svg.appendChild(svgElement("rect", { x: 0, y: 0, width: WIDTH, height: 30, class: "part part-none" }));
    }
    let x = 0;
    parts.forEach((part, index) => {
      const partWidth = total ? WIDTH * part.value / total : 0;
      const rect = svgElement("rect", { x, y: 0, width: partWidth, height: 30, class: `part part-${part.kind}`,
                                        "data-label": part.label, "data-value": part.value });
      rect.appendChild(svgElement("title", {}, `${part.label}：${part.value}`));
      svg.appendChild(rect);
      x += partWidth;
      const legendX = index * (WIDTH / parts.length);
      svg.appendChild(svgElement("rect", { x: legendX, y: 44, width: 14, height: 14, class: `part part-${part.kind}` }));
      svg.appendChild(svgElement("text", { x: legendX + 20, y: 56, class: "value" }, `${part.label} ${part.value}`));
    });
  }

  return { columns, bars, shares };
})();
