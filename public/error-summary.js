// After a form comes back with errors, the error summary takes the focus, so a keyboard or
// screen-reader user starts at the list of what to fix (issue 18). A link in the summary moves the
// focus into its field (a fieldset's first choice) and shows the field's label with it.
// Served from /static under the CSP's script-src 'self'; without it the summary is still the first
// thing in the main content, with links to the fields.
;(function () {
  var summary = document.getElementById('error-summary')
  if (!summary) return
  summary.focus()
  summary.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null
    if (!link) return
    var target = document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1)))
    if (!target) return
    var input = target.matches('input, select, textarea, button') ? target : target.querySelector('input, select, textarea, button')
    if (!input) return
    event.preventDefault()
    var label = target.tagName === 'FIELDSET' ? target.querySelector('legend') : document.querySelector('label[for="' + input.id + '"]')
    ;(label || input).scrollIntoView()
    input.focus({ preventScroll: true })
  })
})()
