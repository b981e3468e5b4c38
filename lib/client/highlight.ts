import hljs from "highlight.js/lib/core";
import { extensionOf } from "@/lib/core/file-types";
import bash from "highlight.js/lib/languages/bash";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import c from "highlight.js/lib/languages/c";
import makefile from "highlight.js/lib/languages/makefile";
import nginx from "highlight.js/lib/languages/nginx";

/** Only the languages common in images, so the bundle stays small. */
const LANGUAGES = { bash, dockerfile, go, ini, javascript, json, python, xml, yaml, c, makefile, nginx };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

const BY_EXTENSION: Record<string, string> = {
  sh: "bash",
  bash: "bash",
  go: "go",
  ini: "ini",
  conf: "ini",
  cfg: "ini",
  toml: "ini",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  ts: "javascript",
  json: "json",
  py: "python",
  html: "xml",
  htm: "xml",
  xml: "xml",
  svg: "xml",
  yaml: "yaml",
  yml: "yaml",
  c: "c",
  h: "c",
  mk: "makefile",
};
const BY_NAME: Record<string, string> = { Dockerfile: "dockerfile", Makefile: "makefile", "nginx.conf": "nginx" };

export function languageFor(name: string): string | null {
  if (BY_NAME[name]) return BY_NAME[name];
  return BY_EXTENSION[extensionOf(name)] ?? null;
}

/**
 * Highlighted HTML for text from a layer. highlight.js escapes the text it is given (`<`, `>`, `&`,
 * quotes) and only adds its own <span class> tags, so hostile file contents stay text.
 */
export function highlight(text: string, language: string | null): string | null {
  if (!language) return null;
  return hljs.highlight(text, { language, ignoreIllegals: true }).value;
}
