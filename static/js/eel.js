// "tick all" in a stage of the course-unit table: ticks (or unticks, when all are ticked) its "take" boxes.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".eel-tick-all");
  if (!button) return;
  const boxes = [...button.closest("tbody").querySelectorAll('input[name="units"]')];
  const all = boxes.every((box) => box.checked);
  boxes.forEach((box) => { box.checked = !all; });
});
