/* Survey pages, progressive enhancement: an exclusive choice ("Chưa dùng cách nào") clears the
   other ticks of its question and another tick clears it; a conditional question (data-show-if)
   is hidden until the earlier answer holds one of its choices. Without this script every
   question stays on the page with its hint, and the server refuses or ignores what it must. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey]");
  if (!form || !Element.prototype.closest) return;

  function boxes(name) {
    return form.querySelectorAll('input[name="' + name + '"]');
  }

  function chosen(name) {
    var inputs = boxes(name), out = [];
    for (var i = 0; i < inputs.length; i++) {
      var card = inputs[i].closest(".card");
      if (inputs[i].checked && !(card && card.hidden)) out.push(inputs[i].value);
    }
    return out;
  }

  function refresh() {
    // In page order: a condition names an earlier question, already shown or hidden.
    var cards = form.querySelectorAll(".card[data-show-if]");
    for (var i = 0; i < cards.length; i++) {
      var wanted = cards[i].getAttribute("data-show-values").split(" ");
      var held = chosen(cards[i].getAttribute("data-show-if"));
      var show = false;
      for (var k = 0; k < held.length; k++) if (wanted.indexOf(held[k]) >= 0) show = true;
      cards[i].hidden = !show;
    }
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type === "checkbox" && box.checked) {
      var alone = box.hasAttribute("data-exclusive");
      var others = boxes(box.name);
      for (var i = 0; i < others.length; i++) {
        if (others[i] === box) continue;
        if (alone || others[i].hasAttribute("data-exclusive")) others[i].checked = false;
      }
    }
    refresh();
  });
  refresh();
})();
