// The return item form's "Partner to add" list (returns/item_form.html): alphagov's accessible-autocomplete
// turns the <select> into a box that suggests register organisations as the editor types. Without
// JavaScript the select stays a plain list, and the form works the same. The component's words come from
// the select's data-* attributes, written by the template in the page's language (English or Welsh).
(function () {
  "use strict";
  var select = document.getElementById("id_partner");
  if (!select || !window.accessibleAutocomplete) {
    return;
  }
  var words = select.dataset;

  function optionFor(text) {
    return [].filter.call(select.options, function (option) {
      return option.value && (option.textContent || option.innerText) === text;
    })[0];
  }

  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: "",
    minLength: 2,
    autoselect: true,
    inputClasses: words.error ? "govuk-input--error" : "",
    // The select holds the choice the form sends: what the box shows when the editor leaves it, or nothing
    // (a half-typed name adds no partner).
    onConfirm: function (chosen) {
      var box = document.getElementById("id_partner");
      var match = optionFor(chosen || (box ? box.value : ""));
      select.value = match ? match.value : "";
    },
    tNoResults: function () {
      return words.noResults;
    },
    tStatusNoResults: function () {
      return words.noResults;
    },
    tStatusQueryTooShort: function (length) {
      return words.queryTooShort.replace("{n}", length);
    },
    tStatusSelectedOption: function (option, length, index) {
      return words.selectedOption.replace("{option}", option).replace("{n}", index + 1).replace("{total}", length);
    },
    tStatusResults: function (length, selected) {
      return (length === 1 ? words.oneResult : words.results.replace("{n}", length)) + " " + selected;
    },
    tAssistiveHint: function () {
      return words.assistiveHint;
    }
  });
})();
