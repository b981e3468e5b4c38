import { PortholeError } from "@/lib/core/errors";
import { parseReference } from "@/lib/core/reference";

/** What is wrong with a typed image reference, as the server would say it; null when it parses (or is empty). */
export function referenceProblem(text: string): string | null {
  if (!text.trim()) return null;
  try {
    parseReference(text.trim());
    return null;
  } catch (error) {
    return error instanceof PortholeError ? error.message : "invalid reference";
  }
}
