// Small inline-SVG charts for the console's statistics: vertical columns and horizontal bars.
//
// Every label is set with textContent, so data from the server is never parsed as markup.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

function svgElement(name, attributes) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes || {})) {
    element.setAttribute(key, String(value));
  }
  return element;
}

function svgText(x, y, text, attributes) {
  const element = svgElement("text", { x, y, ...attributes });
  element.textContent = text;
  return element;
}

function emptyChart(container, text) {
  container.replaceChildren();
  const note = document.createElement("p");
  note.className = "muted";
  note.textContent = text;
  container.appendChild(note);
}

// Draw one column per item, e.g. the applications of each day; a label is shown every `labelEvery` columns.
function drawColumnChart(container, items, { title, labelEvery = 1, formatValue = String } = {}) {
  if (!items.length) {
    emptyChart(container, "暂无数据。");
    return;
  }
  const width = 720, height = 220, left = 40, bottom = 40, top = 16;
  const plotWidth = width - left - 10, plotHeight = height - top - bottom;
  const maxValue = Math.max(1, ...items.map((item) => item.value));
  const slot = plotWidth / items.length;
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart-svg" });
  svg.appendChild(Object.assign(svgElement("title"), { textContent: title || "" }));

  svg.appendChild(svgElement("line", { x1: left, y1: top + plotHeight, x2: width - 10, y2: top + plotHeight, class: "axis" }));
  svg.appendChild(svgText(left - 6, top + 4, formatValue(maxValue), { "text-anchor": "end", class: "tick" }));
  svg.appendChild(svgText(left - 6, top + plotHeight, "0", { "text-anchor": "end", class: "tick" }));

  items.forEach((item, index) => {
    const barHeight = (item.value / maxValue) * plotHeight;
    const x = left + index * slot + slot * 0.15;
    const bar = svgElement("rect", { x, y: top + plotHeight - barHeight, width: Math.max(slot * 0.7, 1),
                                     height: barHeight, class: "bar" });
    bar.appendChild(Object.assign(svgElement("title"), { textContent: `${item.label}：${formatValue(item.value)}` }));
    svg.appendChild(bar);
    if (index % labelEvery === 0) {
      svg.appendChild(svgText(x + slot * 0.35, height - bottom + 16, item.label, { "text-anchor": "middle", class: "tick" }));
    }
  });
  container.replaceChildren(svg);
}

// Draw one horizontal bar per item with its label on the left and its value on the right.
function drawBarChart(container, items, { title, formatValue = String } = {}) {
  if (!items.length) {
    emptyChart(container, "暂无数据。");
    return;
  }
  const rowHeight = 26, labelWidth = 150, width = 720;
  const height = items.length * rowHeight + 10;
  const plotWidth = width - labelWidth - 90;
  const maxValue = Math.max(1e-9, ...items.map((item) => item.value || 0));
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart-svg" });
  svg.appendChild(Object.assign(svgElement("title"), { textContent: title || "" }));

  items.forEach((item, index) => {
    const y = 5 + index * rowHeight;
    svg.appendChild(svgText(labelWidth - 8, y + 16, item.label, { "text-anchor": "end", class: "label" }));
    const barWidth = item.value == null ? 0 : (item.value / maxValue) * plotWidth;
    svg.appendChild(svgElement("rect", { x: labelWidth, y: y + 3, width: Math.max(barWidth, 0), height: rowHeight - 8,
                                         class: "bar" }));
    const valueText = item.value == null ? "无数据" : formatValue(item.value);
    svg.appendChild(svgText(labelWidth + barWidth + 6, y + 16, valueText, { class: "value" }));
  });
  container.replaceChildren(svg);
}

window.Charts = { drawColumnChart, drawBarChart };
