// The small part of the DOM this package uses, typed here so that packages importing @vesti/fulltext
// typecheck without the DOM library (the workspace compiles for Node, lib ES2023 only). linkedom's
// objects satisfy it.
import { parseHTML } from "linkedom";

export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly childNodes: ArrayLike<DomNode>;
  readonly parentNode: DomNode | null;
  textContent: string | null;
}

export interface DomElement extends DomNode {
  readonly tagName: string;
  readonly children: ArrayLike<DomElement>;
  readonly id: string;
  readonly className: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  remove(): void;
}

export interface DomDocument extends DomNode {
  readonly documentElement: DomElement | null;
  readonly body: DomElement | null;
  readonly head: DomElement | null;
  readonly title: string;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

/** Parses HTML with linkedom (no scripts run, no resources loaded, no network). */
export function parseDocument(html: string): DomDocument {
  const doc = parseHTML(html).document as unknown as DomDocument;
  if (doc.documentElement && doc.body) return doc;
  // A fragment or an empty string gives linkedom no <html>/<body>: give the content a document around it.
  return parseHTML(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`)
    .document as unknown as DomDocument;
}

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

/** Element count and maximum nesting depth, in one iterative walk. */
export function domShape(doc: DomDocument): { elements: number; depth: number } {
  const root = doc.documentElement;
  if (!root) return { elements: 0, depth: 0 };
  let elements = 0;
  let depth = 0;
  const stack: [DomElement, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [el, d] = stack.pop()!;
    elements++;
    if (d > depth) depth = d;
    const kids = el.children;
    for (let i = 0; i < kids.length; i++) stack.push([kids[i]!, d + 1]);
  }
  return { elements, depth };
}
