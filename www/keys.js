// The figure's keyboard shortcuts: Space plays or pauses, Right steps, R resets. One job:
// decide whether a keydown is one of them, leaving every key a focused control uses itself
// (typing in a field, Space on a button, arrows on a slider or the diagram) to that control.

const NOT_TEXT = new Set(["checkbox", "radio", "range", "button", "submit", "reset", "color", "file"]);

/** "toggle", "step", "reset" or null (not ours) for a keydown event (or its plain fields). */
export function figureKey(e) {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return null;
  const target = e.composedPath ? e.composedPath()[0] : e.target;
  const tag = target?.tagName ?? "";
  const type = (target?.type ?? "").toLowerCase();
  const textEntry = tag === "TEXTAREA" || !!target?.isContentEditable || (tag === "INPUT" && !NOT_TEXT.has(type));
  if (textEntry || tag === "SELECT") return null;
  if (e.key === " " || e.key === "Spacebar") {
    return tag === "BUTTON" || tag === "INPUT" || tag === "SUMMARY" || tag === "A" ? null : "toggle";
  }
  if (e.key === "ArrowRight") return tag === "INPUT" || tag === "CANVAS" ? null : "step";
  if ((e.key === "r" || e.key === "R") && !e.shiftKey) return "reset";
  return null;
}
