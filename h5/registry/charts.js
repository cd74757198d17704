// Small SVG charts for the statistics page, drawn with DOM calls only, so the page needs no chart library.
"use strict";

const Charts = (() => {
  const SVG_NS = "http://www.w3.org/2000/svg";

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

  function newSvg(container, width, height, title) {
    container.replaceChildren();
    const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img" });
    svg.appendChild(svgElement("title", {}, title));
    container.appendChild(svg);
    return svg;
  }

  // A scale maximum of 1, 2 or 5 times a power of ten, so the axis labels are round numbers.
  function niceMaximum(value) {
    if (value <= 0) {
      return 1;
    }
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) {
      if (value <= step * power) {
        return step * power;
      }
    }
    return 10 * power;
  }

  function formatTick(value) {
    return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }

  // Vertical bars, one per item: items are {label, value}. Labels thin out when there are many days.
  function verticalBars(container, items, title) {
    const width = 900, height = 260, left = 44, bottom = 40, top = 16;
    const svg = newSvg(container, width, height, title);
    const plotHeight = height - top - bottom;
    const maximum = niceMaximum(Math.max(0, ...items.map((item) => item.value)));
    const slot = (width - left - 8) / Math.max(items.length, 1);
    const labelEvery = Math.ceil(items.length / 15);

    for (const fraction of [0, 0.5, 1]) {
      const y = top + plotHeight * (1 - fraction);
      svg.appendChild(svgElement("line", { x1: left, x2: width - 4, y1: y, y2: y, class: "axis" }));
      svg.appendChild(svgElement("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "tick" },
        formatTick(maximum * fraction)));
    }
    items.forEach((item, index) => {
      const barHeight = plotHeight * item.value / maximum;
      const x = left + index * slot + slot * 0.15;
      const bar = svgElement("rect", { x, y: top + plotHeight - barHeight, width: Math.max(slot * 0.7, 1),
        height: barHeight, class: "bar", "data-label": item.label, "data-value": item.value });
      bar.appendChild(svgElement("title", {}, `${item.label}：${item.value}`));
      svg.appendChild(bar);
      if (index % labelEvery === 0) {
        svg.appendChild(svgElement("text", { x: x + slot * 0.35, y: height - bottom + 16, "text-anchor": "middle",
          class: "tick" }, item.label));
      }
    });
    return svg;
  }

  // Horizontal bars, one row per item: items are {label, value, note}. A null value draws an empty row.
  function horizontalBars(container, items, title, formatValue) {
    const rowHeight = 30, left = 220, right = 170, width = 900;
    const height = Math.max(items.length, 1) * rowHeight + 10;
    const svg = newSvg(container, width, height, title);
    const maximum = Math.max(...items.map((item) => item.value || 0), 0) || 1;

    items.forEach((item, index) => {
      const y = 5 + index * rowHeight;
      const barWidth = (width - left - right) * (item.value || 0) / maximum;
      svg.appendChild(svgElement("text", { x: left - 8, y: y + 19, "text-anchor": "end", class: "row-label" }, item.label));
      const bar = svgElement("rect", { x: left, y: y + 5, width: Math.max(barWidth, 1), height: rowHeight - 10,
        class: "bar", "data-label": item.label, "data-value": item.value === null ? "" : item.value });
      bar.appendChild(svgElement("title", {}, `${item.label}：${formatValue(item.value)}`));
      svg.appendChild(bar);
      svg.appendChild(svgElement("text", { x: left + barWidth + 6, y: y + 19, class: "value" },
        formatValue(item.value) + (item.note ? `  ${item.note}` : "")));
    });
    return svg;
  }

  // One bar split into parts by share, with a legend: parts are {label, value, kind}.
  function shareBar(container, parts, title) {
    const width = 900, height = 70, total = parts.reduce((sum, part) => sum + part.value, 0);
    const svg = newSvg(container, width, height, title);
    let x = 0;
    parts.forEach((part, index) => {
      const partWidth = total ? width * part.value / total : 0;
      const rect = svgElement("rect", { x, y: 0, width: partWidth, height: 30, class: `part part-${part.kind}`,
        "data-label": part.label, "data-value": part.value });
      rect.appendChild(svgElement("title", {}, `${part.label}：${part.value}`));
      svg.appendChild(rect);
      x += partWidth;
      const legendX = index * (width / parts.length);
      svg.appendChild(svgElement("rect", { x: legendX, y: 44, width: 14, height: 14, class: `part part-${part.kind}` }));
      svg.appendChild(svgElement("text", { x: legendX + 20, y: 56, class: "value" }, `${part.label} ${part.value}`));
    });
    if (!total) {
      svg.appendChild(svgElement("rect", { x: 0, y: 0, width, height: 30, class: "part part-none" }));
    }
    return svg;
  }

  return { verticalBars, horizontalBars, shareBar };
})();
