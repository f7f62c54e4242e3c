// The evaluation form, made to flow: region choices follow the bone, BMI is worked out from
// height and weight, and the Triad section folds away for a man or a patient of 50 or over.
// The server checks all of this again; without JavaScript every field simply stays visible.
(function () {
  "use strict";
  var form = document.querySelector("form.evaluation");
  if (!form) { return; }
  var bone = form.querySelector("#id_injury__bone");
  var region = form.querySelector("#id_injury__region");
  var ray = form.querySelector("#id_injury__ray");
  var sex = form.querySelector("#id_patient__sex");
  var age = form.querySelector("#id_patient__age");
  var height = form.querySelector("#id_history__height_cm");
  var weight = form.querySelector("#id_history__weight_kg");
  var bmi = form.querySelector("#id_history__bmi");
  var triad = form.querySelector("#group-triad");

  function filterRegions() {
    if (!bone || !region) { return; }
    var chosen = bone.value;
    var any = false;
    Array.prototype.forEach.call(region.querySelectorAll("option[data-bone]"), function (option) {
      var show = option.getAttribute("data-bone") === chosen;
      option.hidden = !show;
      option.disabled = !show;
      any = any || show;
      if (!show && option.selected) { region.value = ""; }
    });
    Array.prototype.forEach.call(region.querySelectorAll("optgroup"), function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
    var field = region.closest(".field");
    if (field) { field.hidden = !any; }
    var rayField = ray && ray.closest(".field");
    if (rayField) { rayField.hidden = chosen !== "metatarsal"; }
  }

  function computeBmi() {
    if (!height || !weight || !bmi) { return; }
    var h = parseFloat(height.value), w = parseFloat(weight.value);
    if (h > 0 && w > 0) {
      bmi.value = (w / Math.pow(h / 100, 2)).toFixed(1);
    }
  }

  function toggleTriad() {
    if (!triad) { return; }
    var older = age && parseInt(age.value, 10) >= 50;
    triad.hidden = (sex && sex.value === "male") || older;
  }

  [bone].forEach(function (el) { if (el) { el.addEventListener("change", filterRegions); } });
  [height, weight].forEach(function (el) { if (el) { el.addEventListener("input", computeBmi); } });
  [sex, age].forEach(function (el) { if (el) { el.addEventListener("input", toggleTriad); el.addEventListener("change", toggleTriad); } });
  filterRegions();
  toggleTriad();
}());
