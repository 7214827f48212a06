// After a form comes back with errors, the error summary takes the focus, so a keyboard or
// screen-reader user starts at the list of what to fix (issue 18). A link in the summary moves the
// focus into its field (a fieldset's first choice) and scrolls the whole field, label first, into view.
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
    var field = target.closest('.field') || target
    field.scrollIntoView()
    // A little room above the label, so it does not sit on the window's edge.
    window.scrollBy(0, -8)
    input.focus({ preventScroll: true })
  })
})()
