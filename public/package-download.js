// The package page (issue 18): once the download has started, say so. The ZIP arrives as an
// attachment, so the page itself does not change; the form sends a random value along, the server
// answers the download with a short-lived cookie holding it, and seeing that cookie here means the
// file is on its way. A wrong code brings a new page instead, so nothing is said too early.
;(function () {
  var form = document.getElementById('download-form')
  var region = document.getElementById('download-started')
  if (!form || !region || !window.crypto) return
  form.addEventListener('submit', function () {
    var bytes = new Uint8Array(16)
    window.crypto.getRandomValues(bytes)
    var nonce = Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2) }).join('')
    form.elements.started.value = nonce
    region.textContent = ''
    var polls = 0
    var timer = setInterval(function () {
      polls += 1
      if (document.cookie.split('; ').indexOf('dsr_download=' + nonce) >= 0) {
        clearInterval(timer)
        document.cookie = 'dsr_download=; Max-Age=0; Path=/status; SameSite=Strict'
        region.textContent = region.getAttribute('data-message')
        region.className = 'notice'
        form.elements.code.value = ''
      } else if (polls > 240) clearInterval(timer)
    }, 500)
  })
})()
