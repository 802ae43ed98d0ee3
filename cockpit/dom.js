// Small DOM helpers: elements are built with textContent, never from HTML text.

export function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
        if (value === undefined || value === null || value === false)
            continue;
        if (key === "class")
            el.className = value;
        else if (key.startsWith("on"))
            el.addEventListener(key.slice(2), value);
        else if (key in el && typeof value !== "string")
            el[key] = value;
        else
            el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
        if (child === undefined || child === null || child === false)
            continue;
        el.append(child instanceof Node ? child : String(child));
    }
    return el;
}

export function replace(el, ...children) {
    el.replaceChildren(...children.flat().filter(c => c !== undefined && c !== null && c !== false));
}

// A PatternFly inline alert; variant: danger, warning, success, info.
export function alert(variant, title, text) {
    return h("div", { class: `pf-c-alert pf-m-inline pf-m-${variant}`, "aria-label": `${variant} alert` },
             h("p", { class: "pf-c-alert__title" }, title),
             text ? h("div", { class: "pf-c-alert__description" }, h("p", {}, text)) : null);
}

// A PatternFly label for a check result or a status.
export function label(text, color) {
    return h("span", { class: `pf-c-label pf-m-${color}` }, h("span", { class: "pf-c-label__content" }, text));
}

// A table cell that tests and screen readers can tie to its column.
export function td(field, title, ...children) {
    return h("td", { "data-field": field, "data-label": title }, ...children);
}
