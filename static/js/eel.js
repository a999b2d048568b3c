// "tick all" in a stage of the course-unit table: ticks (or unticks, when all are ticked) its "take" boxes.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".eel-tick-all");
  if (!button) return;
  const boxes = [...button.closest("tbody").querySelectorAll('input[name="units"]')];
  const all = boxes.every((box) => box.checked);
  boxes.forEach((box) => { box.checked = !all; });
});

// The results import: show that the server is working while a large file is checked or saved (one transaction).
for (const [formId, progressId] of [["confirm-import", "import-progress"], ["upload-form", "upload-progress"]]) {
  const form = document.getElementById(formId);
  if (!form) continue;
  form.addEventListener("submit", () => {
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    const progress = document.getElementById(progressId);
    progress.classList.remove("d-none");
    progress.classList.add("d-inline-flex");
  });
}
