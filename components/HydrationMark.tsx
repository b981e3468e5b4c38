"use client";

import { useEffect } from "react";

/**
 * Marks the document once React has hydrated it (`<html data-hydrated>`). Pages arrive rendered
 * (a shared link's first view): rows, tabs and buttons show before their handlers exist, and
 * browser tests and the bench wait on this before they press or click.
 */
export function HydrationMark() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return null;
}
