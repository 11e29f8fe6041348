// Lookalike storefront widget. One line on a shop's page:
//   <script src="https://search.example/widget.js" data-target="#header" async></script>
// adds a "Search by photo" button that opens a dialog (choose, take, paste or drop a photo) with the
// shop's most similar products. Plain JavaScript, no dependencies, no innerHTML; every element lives in a
// shadow root, so the shop's CSS and the widget's never meet. Options: docs/widget.md.
(() => {
  'use strict';
  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const existing = window.LookalikeWidget;
  if (!script || (existing && existing.open)) return; // loaded twice: the first one stays

  const globalConfig = existing && typeof existing === 'object' ? existing : {};
  const option = (name) => (script.dataset[name] !== undefined ? script.dataset[name] : globalConfig[name]);
  const base = new URL(option('api') || '.', script.src);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const apiOrigin = base.origin;
  const k = Math.min(100, Math.max(1, parseInt(option('results'), 10) || 12));

  // ---- Strings: built-in languages, then data-strings / window.LookalikeWidget.strings ----------
  const STRINGS = {
    en: {
      button: 'Search by photo', title: 'Search by photo', close: 'Close', drop: 'Drag a photo here or paste one',
      choose: 'Choose a photo', camera: 'Take a photo', another: 'Another photo', yourPhoto: 'Your photo',
      searching: 'Searching…', results: '{n} similar products', one: '1 similar product',
      none: 'No similar products found.', resultsLabel: 'Similar products', was: 'was',
      notImage: 'That file is not a photo. Please choose a JPEG, PNG, WebP or HEIC image.',
      tooLarge: 'That photo is too large. Please choose a smaller one.',
      busy: 'Too many searches at once. Please try again in a moment.',
      failed: 'The search did not work. Please try again.', unavailable: 'Photo search is not available right now.',
    },
    fr: {
      button: 'Rechercher par photo', title: 'Rechercher par photo', close: 'Fermer',
      drop: 'Glissez une photo ici ou collez-la', choose: 'Choisir une photo', camera: 'Prendre une photo',
      another: 'Autre photo', yourPhoto: 'Votre photo', searching: 'Recherche…', results: '{n} produits similaires',
      one: '1 produit similaire', none: 'Aucun produit similaire trouvé.', resultsLabel: 'Produits similaires', was: 'au lieu de',
      notImage: 'Ce fichier n’est pas une photo. Choisissez une image JPEG, PNG, WebP ou HEIC.',
      tooLarge: 'Cette photo est trop lourde. Choisissez-en une plus petite.',
      busy: 'Trop de recherches en même temps. Réessayez dans un instant.',
      failed: 'La recherche a échoué. Veuillez réessayer.',
      unavailable: 'La recherche par photo est indisponible pour le moment.',
    },
    de: {
      button: 'Mit Foto suchen', title: 'Mit Foto suchen', close: 'Schließen', drop: 'Foto hierher ziehen oder einfügen',
      choose: 'Foto auswählen', camera: 'Foto aufnehmen', another: 'Anderes Foto', yourPhoto: 'Ihr Foto',
      searching: 'Suche läuft…', results: '{n} ähnliche Produkte', one: '1 ähnliches Produkt',
      none: 'Keine ähnlichen Produkte gefunden.', resultsLabel: 'Ähnliche Produkte', was: 'statt',
      notImage: 'Diese Datei ist kein Foto. Bitte wählen Sie ein JPEG-, PNG-, WebP- oder HEIC-Bild.',
      tooLarge: 'Dieses Foto ist zu groß. Bitte wählen Sie ein kleineres.',
      busy: 'Zu viele Suchen gleichzeitig. Bitte versuchen Sie es gleich noch einmal.',
      failed: 'Die Suche hat nicht funktioniert. Bitte versuchen Sie es erneut.',
      unavailable: 'Die Fotosuche ist gerade nicht verfügbar.',
    },
    es: {
      button: 'Buscar por foto', title: 'Buscar por foto', close: 'Cerrar', drop: 'Arrastra una foto aquí o pégala',
      choose: 'Elegir una foto', camera: 'Hacer una foto', another: 'Otra foto', yourPhoto: 'Tu foto',
      searching: 'Buscando…', results: '{n} productos similares', one: '1 producto similar',
      none: 'No se encontraron productos similares.', resultsLabel: 'Productos similares', was: 'antes',
      notImage: 'Ese archivo no es una foto. Elige una imagen JPEG, PNG, WebP o HEIC.',
      tooLarge: 'Esa foto es demasiado grande. Elige una más pequeña.',
      busy: 'Demasiadas búsquedas a la vez. Inténtalo de nuevo en un momento.',
      failed: 'La búsqueda no ha funcionado. Inténtalo de nuevo.',
      unavailable: 'La búsqueda por foto no está disponible ahora.',
    },
  };
  const langTag = option('lang') || document.documentElement.lang || 'en';
  const lang = STRINGS[langTag.toLowerCase().split('-')[0]] ? langTag.toLowerCase().split('-')[0] : 'en';
  let custom = option('strings') || {};
  if (typeof custom === 'string') {
    try { custom = JSON.parse(custom); } catch (_) { custom = null; }
  }
  if (!custom || typeof custom !== 'object') {
    warn('data-strings is not a JSON object of strings; using the built-in strings');
    custom = {};
  }
  const t = Object.assign({}, STRINGS.en, STRINGS[lang], custom);
  const label = option('label') !== undefined ? String(option('label')) : t.button;

  // ---- Building elements without innerHTML (works under Trusted Types) ----------------------------
  function h(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === true) node.setAttribute(name, '');
      else if (value !== false && value != null) node.setAttribute(name, value);
    }
    node.append(...children.filter((child) => child != null));
    return node;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  function icon(...shapes) {
    const svg = document.createElementNS(SVG, 'svg');
    for (const [name, value] of [['viewBox', '0 0 24 24'], ['aria-hidden', 'true'], ['focusable', 'false']]) svg.setAttribute(name, value);
    for (const [tag, attrs] of shapes) {
      const shape = document.createElementNS(SVG, tag);
      for (const [name, value] of Object.entries(attrs)) shape.setAttribute(name, value);
      svg.append(shape);
    }
    return svg;
  }
  const cameraIcon = () => icon(['path', { d: 'M3 8.5A2.5 2.5 0 0 1 5.5 6h1.6l1.4-2h7l1.4 2h1.6A2.5 2.5 0 0 1 21 8.5v9a2.5 2.5 0 0 1-2.5 2.5h-13A2.5 2.5 0 0 1 3 17.5z' }], ['circle', { cx: 12, cy: 13, r: 3.5 }]);
  const photoIcon = () => icon(['rect', { x: 3, y: 3, width: 18, height: 18, rx: 3 }], ['circle', { cx: 9, cy: 9, r: 2 }], ['path', { d: 'm21 15-5-5L5 21' }]);
  const closeIcon = () => icon(['path', { d: 'M6 6l12 12M18 6 6 18' }]);

  // ---- The host element and its shadow root -------------------------------------------------------
  const TAG = 'lookalike-search';
  if (window.customElements && !customElements.get(TAG)) customElements.define(TAG, class extends HTMLElement {});
  const host = document.createElement(TAG);
  const root = host.attachShadow({ mode: 'open' });
  if (root.adoptedStyleSheets && window.CSSStyleSheet && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css()); // constructed sheets are not inline styles: a strict style-src CSP allows them
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(h('style', null, css()));
  }
  const accent = option('accent');
  if (accent && window.CSS && CSS.supports('color', accent)) {
    host.style.setProperty('--lookalike-accent', accent);
    host.style.setProperty('--lookalike-accent-text', readableOn(accent));
  }
  const theme = option('theme');
  if (theme === 'dark' || (theme === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches)) host.setAttribute('data-theme', 'dark');

  const launcher = h('button', { type: 'button', class: label ? 'launch' : 'launch icon', part: 'button', 'aria-haspopup': 'dialog', 'aria-label': label ? null : t.button },
    cameraIcon(), label ? h('span', null, label) : null);
  const chooseInput = h('input', { type: 'file', accept: 'image/*', class: 'vh', name: 'photo' });
  const cameraInput = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'vh', name: 'camera' });
  const anotherInput = h('input', { type: 'file', accept: 'image/*', class: 'vh', name: 'another' });
  const closeButton = h('button', { type: 'button', class: 'close', 'aria-label': t.close }, closeIcon());
  const pick = h('div', { class: 'pick' },
    photoIcon(), h('p', { class: 'drop' }, t.drop),
    h('div', { class: 'actions' },
      h('label', { class: 'btn primary' }, chooseInput, photoIcon(), h('span', null, t.choose)),
      h('label', { class: 'btn camera' }, cameraInput, cameraIcon(), h('span', null, t.camera))));
  const previewImage = h('img', { alt: '' });
  const query = h('div', { class: 'query', hidden: true },
    previewImage, h('span', { class: 'query-label' }, t.yourPhoto),
    h('label', { class: 'btn' }, anotherInput, photoIcon(), h('span', null, t.another)));
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert' }); // always present (empty), so a message is announced
  const grid = h('ul', { class: 'grid', 'aria-label': t.resultsLabel, hidden: true });
  const panel = h('div', { class: 'panel', part: 'panel', lang: Object.keys(custom).length ? langTag : lang },
    h('div', { class: 'head' }, h('h2', { id: 'lookalike-title' }, t.title), closeButton),
    h('div', { class: 'body' }, error, pick, query, status, grid));
  const dialog = h('dialog', { 'aria-labelledby': 'lookalike-title', 'aria-modal': 'true' }, panel);
  root.append(launcher, dialog);

  // ---- Placing the button: into data-target, or floating -------------------------------------------
  function place() {
    const selector = option('target');
    let target = null;
    if (selector) {
      try { target = document.querySelector(selector); } catch (_) { /* an invalid selector: float */ }
      if (!target) warn(`data-target "${selector}" matches nothing on this page; the button floats instead`);
    }
    if (!target) {
      launcher.classList.add('floating');
      if (option('position') === 'left') launcher.classList.add('left');
    }
    (target || document.body).append(host);
  }
  if (document.body && (document.readyState !== 'loading' || !option('target'))) place();
  else document.addEventListener('DOMContentLoaded', place, { once: true });

  // ---- Opening and closing: a modal <dialog> (top layer, rest of the page inert) ----------------
  let savedOverflow = '';
  function open() {
    if (dialog.open) return;
    if (window.matchMedia && matchMedia('(pointer: coarse)').matches) pick.classList.add('touch');
    savedOverflow = document.documentElement.style.overflow;
    document.documentElement.style.overflow = 'hidden';
    dialog.showModal();
    (query.hidden ? chooseInput : anotherInput).focus();
  }
  function close() { if (dialog.open) dialog.close(); }
  dialog.addEventListener('close', () => {
    document.documentElement.style.overflow = savedOverflow;
    launcher.focus();
  });
  launcher.addEventListener('click', open);
  closeButton.addEventListener('click', close);
  dialog.addEventListener('click', (event) => { if (event.target === dialog) close(); }); // the backdrop
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { event.preventDefault(); close(); return; }
    if (event.key !== 'Tab') return;
    // Focus stays in the dialog: Tab past the last control goes to the first, Shift+Tab the other way.
    const focusable = [...panel.querySelectorAll('button, input, a[href]')].filter((e) => e.getClientRects().length > 0 && !e.disabled);
    if (focusable.length === 0) return;
    const first = focusable[0], last = focusable[focusable.length - 1], active = root.activeElement;
    if (event.shiftKey && (active === first || !panel.contains(active))) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && (active === last || !panel.contains(active))) { event.preventDefault(); first.focus(); }
  });

  // ---- Getting a photo in: file, camera, paste, drag and drop -----------------------------------
  for (const input of [chooseInput, cameraInput, anotherInput]) {
    input.addEventListener('change', () => {
      const file = input.files && input.files[0];
      input.value = '';
      if (file) use(file);
    });
  }
  dialog.addEventListener('paste', (event) => {
    const item = [...(event.clipboardData ? event.clipboardData.items : [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    const file = item && item.getAsFile();
    if (file) { event.preventDefault(); use(file); }
  });
  const hasFiles = (event) => event.dataTransfer && [...event.dataTransfer.types].includes('Files');
  for (const zone of [dialog, launcher]) {
    zone.addEventListener('dragover', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      panel.classList.add('dragging');
    });
    zone.addEventListener('dragleave', (event) => { if (!panel.contains(event.relatedTarget)) panel.classList.remove('dragging'); });
    zone.addEventListener('drop', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      panel.classList.remove('dragging');
      const files = [...event.dataTransfer.files];
      const file = files.find((f) => f.type.startsWith('image/')) || files[0];
      if (file) { open(); use(file); }
    });
  }

  // ---- Searching ---------------------------------------------------------------------------------
  let controller = null, previewUrl = null, searches = 0;
  previewImage.addEventListener('error', () => { previewImage.hidden = true; }); // e.g. HEIC, or a CSP without blob:
  async function use(file) {
    if (file.type && !file.type.startsWith('image/')) return fail(t.notImage);
    const ticket = ++searches; // a newer photo wins: answers to older ones are dropped
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    previewImage.hidden = false;
    previewImage.src = previewUrl;
    const focusWasInPicker = pick.contains(root.activeElement);
    pick.hidden = true;
    query.hidden = false;
    if (focusWasInPicker) anotherInput.focus();
    error.textContent = '';
    setStatus(t.searching);
    grid.hidden = false;
    grid.setAttribute('aria-busy', 'true');
    grid.replaceChildren(...Array.from({ length: Math.min(k, 8) }, () => h('li', { class: 'ghost', 'aria-hidden': 'true' })));
    if (controller) controller.abort();
    controller = new AbortController();
    const form = new FormData();
    form.append('image', await shrink(file), file.name || 'photo.jpg');
    if (ticket !== searches) return;
    const url = new URL('api/search', base);
    url.searchParams.set('k', String(k));
    let response;
    try {
      response = await fetch(url, { method: 'POST', body: form, credentials: 'omit', signal: controller.signal });
    } catch (_) {
      if (ticket !== searches) return;
      return networkFailure();
    }
    let body = null;
    try { body = await response.json(); } catch (_) { /* not JSON: handled below */ }
    if (ticket !== searches) return;
    if (!response.ok || !body || !Array.isArray(body.results)) {
      const problem = (body && body.error) || {};
      warn(`the search failed: ${response.status} ${problem.message || response.statusText}`);
      const code = problem.code || '';
      return fail(/^(not_an_image|empty_image|corrupt_image)$/.test(code) ? t.notImage
        : /^too_(large|many_pixels)$/.test(code) || response.status === 413 ? t.tooLarge
          : response.status === 429 ? t.busy : t.failed);
    }
    show(body.results);
  }

  // Phone photos are scaled down before upload (much faster on mobile data); the server checks everything
  // again, and a file the browser cannot read (e.g. HEIC) is sent as it is.
  async function shrink(file) {
    if (file.size < 1.5e6 || !window.createImageBitmap) return file;
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      const canvas = h('canvas', { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
      return blob && blob.size < file.size ? blob : file;
    } catch (_) {
      return file;
    }
  }

  // A fetch that fails without an answer is either a refused origin (CORS) or an unreachable server;
  // two small probes tell which, so the shop's developer reads the fix in the console.
  async function networkFailure() {
    fail(t.unavailable);
    const health = new URL('healthz', base);
    const reaches = (mode) => fetch(health, { mode, credentials: 'omit', cache: 'no-store' }).then(() => true, () => false);
    if (await reaches('cors')) {
      console.error(`Lookalike: the search request to ${apiOrigin} failed before an answer came (the connection was dropped)`);
    } else if (await reaches('no-cors')) {
      console.error(`Lookalike: the API at ${apiOrigin} refused this origin (${location.origin}); add it to --cors-origin or cors.origins`);
    } else {
      console.error(`Lookalike: the API at ${apiOrigin} cannot be reached`);
    }
  }

  function show(results) {
    grid.removeAttribute('aria-busy');
    grid.replaceChildren(...results.map(card));
    grid.hidden = results.length === 0;
    setStatus(results.length === 0 ? t.none : results.length === 1 ? t.one : t.results.replace('{n}', results.length));
  }

  function card(result) {
    const attributes = result.attributes || {};
    const thumbnail = (size) => new URL(`${String(result.thumbnail).replace(/^\//, '')}?size=${size}`, base).href;
    const image = h('img', { src: thumbnail(320), srcset: `${thumbnail(320)} 1x, ${thumbnail(640)} 2x`, alt: '', loading: 'lazy', decoding: 'async' });
    image.addEventListener('load', () => { if (image.naturalWidth < 96) image.classList.add('pixelated'); });
    image.addEventListener('error', () => { image.hidden = true; });
    return h('li', null, h('a', { href: productLink(result), part: 'result', 'data-id': result.id },
      h('span', { class: 'thumb' }, image),
      h('span', { class: 'name' }, String(result.title || result.id)),
      price(attributes)));
  }

  // The product's page in the shop (the catalog's `link`, http or https only), else Lookalike's.
  function productLink(result) {
    const link = result.attributes && result.attributes.link;
    if (link) {
      try {
        const url = new URL(link, location.href);
        if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
      } catch (_) { /* not a URL: Lookalike's page */ }
    }
    return new URL(String(result.url).replace(/^\//, ''), base).href;
  }

  function price(attributes) {
    const money = (amount) => {
      try {
        if (attributes.currency) return new Intl.NumberFormat(langTag, { style: 'currency', currency: attributes.currency }).format(Number(amount));
      } catch (_) { /* an unknown currency code */ }
      return attributes.currency ? `${amount} ${attributes.currency}` : amount;
    };
    if (!attributes.price && !attributes.sale_price) return null;
    if (attributes.sale_price && attributes.price && attributes.sale_price !== attributes.price) {
      return h('span', { class: 'price' }, money(attributes.sale_price), ' ', h('s', null, h('span', { class: 'vh' }, `${t.was} `), money(attributes.price)));
    }
    return h('span', { class: 'price' }, money(attributes.sale_price || attributes.price));
  }

  function setStatus(text) { status.textContent = text; }
  // A failed search goes back to the picker, with the message above it, so another photo is one step away.
  function fail(text) {
    const focusWasInQuery = query.contains(root.activeElement);
    setStatus('');
    grid.removeAttribute('aria-busy');
    grid.replaceChildren();
    grid.hidden = true;
    query.hidden = true;
    pick.hidden = false;
    if (focusWasInQuery) chooseInput.focus();
    error.textContent = text;
  }
  function warn(text) { console.warn(`Lookalike: ${text}`); }

  // Text on the accent: black or white, whichever reads better (WCAG relative luminance).
  function readableOn(color) {
    const context = h('canvas', { width: 1, height: 1 }).getContext('2d');
    context.fillStyle = color;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b] = [...context.getImageData(0, 0, 1, 1).data].slice(0, 3)
      .map((v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#111' : '#fff';
  }

  function css() {
    return `
:host { all: initial !important; display: inline-block !important; vertical-align: middle !important;
  --lw-accent: var(--lookalike-accent, #111827); --lw-accent-text: var(--lookalike-accent-text, #fff);
  --lw-surface: var(--lookalike-surface, #fff); --lw-text: var(--lookalike-text, #1c1917);
  --lw-muted: var(--lookalike-muted, #57534e); --lw-soft: var(--lookalike-soft, #f5f5f4); --lw-line: #d6d3d1;
  --lw-radius: var(--lookalike-radius, 14px); --lw-danger: #b42318;
  --lw-font: var(--lookalike-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif); }
:host([data-theme=dark]) { --lw-accent: var(--lookalike-accent, #f5f5f4); --lw-accent-text: var(--lookalike-accent-text, #111827); --lw-surface: var(--lookalike-surface, #1c1c1e); --lw-text: var(--lookalike-text, #f5f5f4);
  --lw-muted: var(--lookalike-muted, #c4c0bc); --lw-soft: var(--lookalike-soft, #2c2c2e); --lw-line: #57534e; --lw-danger: #fda29b; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
svg { width: 18px; height: 18px; flex: none; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
button, .btn { font: 600 15px/1.2 var(--lw-font); letter-spacing: normal; text-transform: none; cursor: pointer; }
:focus-visible { outline: 3px solid var(--lw-accent); outline-offset: 2px; }
.btn:has(:focus-visible) { outline: 3px solid var(--lw-accent); outline-offset: 2px; }
.launch { display: inline-flex; align-items: center; gap: 8px; min-height: 40px; margin: 0; padding: 0 16px;
  border: 0; border-radius: 999px; background: var(--lw-accent); color: var(--lw-accent-text); white-space: nowrap;
  transition: transform .1s, box-shadow .15s; }
.launch:hover { box-shadow: 0 0 0 4px color-mix(in srgb, var(--lw-accent) 18%, transparent); }
.launch:active { transform: translateY(1px); }
.launch.icon { padding: 0; width: 40px; justify-content: center; }
.floating { position: fixed; right: 20px; bottom: 20px; z-index: var(--lookalike-z, 2147483000); min-height: 50px;
  padding: 0 22px; box-shadow: 0 8px 28px rgb(0 0 0 / .22); }
.floating.left { right: auto; left: 20px; }
dialog { margin: 0; padding: 24px; border: 0; width: 100%; height: 100%; max-width: none; max-height: none;
  background: transparent; color: var(--lw-text); font: 400 15px/1.45 var(--lw-font); letter-spacing: normal; text-align: left; }
dialog[open] { display: grid; place-items: center; }
dialog::backdrop { background: rgb(12 10 9 / .55); }
.panel { position: relative; display: flex; flex-direction: column; width: min(980px, 100%); max-height: 100%; overflow: hidden;
  background: var(--lw-surface); border-radius: calc(var(--lw-radius) + 4px); box-shadow: 0 24px 64px rgb(0 0 0 / .3);
  animation: lw-in .16s ease-out; }
@keyframes lw-in { from { opacity: 0; transform: translateY(8px) scale(.985); } }
.head { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 16px 16px 12px 24px; }
h2 { margin: 0; font: 700 20px/1.25 var(--lw-font); letter-spacing: -.01em; color: var(--lw-text); }
.close { display: grid; place-items: center; width: 40px; height: 40px; padding: 0; border: 0; border-radius: 50%;
  background: transparent; color: var(--lw-muted); }
.close:hover { background: var(--lw-soft); color: var(--lw-text); }
.close svg { width: 22px; height: 22px; }
.body { padding: 4px 24px 24px; overflow: auto; overscroll-behavior: contain; }
.pick { display: flex; flex-direction: column; align-items: center; gap: 14px; padding: 40px 20px; text-align: center;
  border: 2px dashed var(--lw-line); border-radius: var(--lw-radius); background: var(--lw-soft); color: var(--lw-muted); }
.pick > svg { width: 40px; height: 40px; stroke-width: 1.5; }
.drop { margin: 0; font-size: 16px; }
.pick.touch .drop, .pick:not(.touch) .camera { display: none; }
.dragging .pick, .dragging .query { border-color: var(--lw-accent); outline: 2px solid var(--lw-accent); }
.actions { display: flex; flex-wrap: wrap; justify-content: center; gap: 10px; }
.btn { position: relative; display: inline-flex; align-items: center; gap: 8px; min-height: 44px; padding: 0 18px;
  border: 1px solid var(--lw-line); border-radius: 999px; background: var(--lw-surface); color: var(--lw-text); }
.btn:hover { border-color: var(--lw-muted); }
.btn.primary { border-color: var(--lw-accent); background: var(--lw-accent); color: var(--lw-accent-text); }
.vh { position: absolute; width: 1px; height: 1px; margin: 0; padding: 0; overflow: hidden; clip-path: inset(50%); border: 0; opacity: 0; }
.query { display: flex; align-items: center; gap: 14px; padding: 10px; border: 1px solid var(--lw-line); border-radius: var(--lw-radius); }
.query img { width: 64px; height: 64px; object-fit: cover; border-radius: 10px; background: var(--lw-soft); }
.query-label { flex: 1; min-width: 0; font-weight: 600; }
.status { margin: 16px 0 12px; color: var(--lw-muted); font-size: 14px; min-height: 1.45em; }
.status:empty { margin: 0; min-height: 0; }
.error:empty { display: none; }
.error { margin: 0 0 16px; padding: 12px 14px; border-radius: 10px; color: var(--lw-danger);
  background: color-mix(in srgb, var(--lw-danger) 10%, var(--lw-surface)); font-weight: 500; }
.grid { list-style: none; margin: 0; padding: 0; display: grid; gap: 20px 16px; grid-template-columns: repeat(auto-fill, minmax(148px, 1fr)); }
.grid a { display: flex; flex-direction: column; gap: 6px; color: var(--lw-text); text-decoration: none; border-radius: 10px; }
.thumb { display: block; aspect-ratio: 1; overflow: hidden; border-radius: var(--lw-radius); background: var(--lw-soft); }
.thumb img { display: block; width: 100%; height: 100%; object-fit: cover; transition: transform .25s; }
.grid a:hover img { transform: scale(1.04); }
.grid a:hover .name { text-decoration: underline; }
.pixelated { image-rendering: pixelated; }
.name { font-size: 14px; line-height: 1.35; display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; }
.price { font-size: 14px; font-weight: 700; }
.price s { margin-left: 4px; color: var(--lw-muted); font-weight: 400; }
.ghost { aspect-ratio: 1; border-radius: var(--lw-radius); background: linear-gradient(100deg, var(--lw-soft) 40%, var(--lw-surface) 50%, var(--lw-soft) 60%) 0 0 / 300% 100%;
  animation: lw-shimmer 1.2s linear infinite; }
@keyframes lw-shimmer { to { background-position: -150% 0; } }
@media (max-width: 600px) {
  dialog { padding: 0; }
  .panel { width: 100%; height: 100%; border-radius: 0; }
  .head { padding: 12px 12px 8px 16px; }
  .body { padding: 4px 16px 16px; }
  .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px 12px; }
  .query { gap: 10px; padding: 8px; }
  .query img { width: 48px; height: 48px; }
  .query .btn { padding: 0 14px; }
  .floating { right: 16px; bottom: 16px; }
}
@media (max-width: 480px) {
  .launch:not(.floating) { width: 40px; padding: 0; justify-content: center; }
  .launch:not(.floating) span { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
}
@media (prefers-reduced-motion: reduce) { *, .panel, .ghost { animation: none !important; transition: none !important; } }`;
  }

  window.LookalikeWidget = Object.assign(globalConfig, { open, close });
})();
