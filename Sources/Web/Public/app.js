// Lookalike: the shopper's page. A photo in (file, camera, drop, paste), an optional crop,
// filters, and results from the JSON API. Plain JavaScript, no dependencies.
(() => {
  'use strict';

  // Tiny catalog images (e.g. 28×28 Fashion-MNIST) are scaled up with crisp pixels.
  document.addEventListener('load', (event) => {
    const img = event.target;
    if (img instanceof HTMLImageElement && img.naturalWidth > 0 && img.naturalWidth < 96) img.classList.add('pixelated');
  }, true);

  const body = document.body;
  if (body.dataset.page !== 'search') return;

  const config = {
    defaultK: Number(body.dataset.defaultK) || 5,
    maxK: Number(body.dataset.maxK) || 100,
    maxBytes: Number(body.dataset.maxBytes) || 20e6,
    metric: body.dataset.metric || 'cosine',
  };
  const K_STEPS = [5, 20, 40, 60, 80, 100];
  const PREFERRED_KEYS = ['gender', 'masterCategory', 'subCategory', 'articleType', 'baseColour', 'season', 'usage'];
  const HIDDEN_KEYS = ['split', 'id', 'year'];
  const IMAGE_ERRORS = ['not_an_image', 'empty_image', 'corrupt_image', 'too_large', 'too_many_pixels'];

  const $ = (id) => document.getElementById(id);
  const el = {
    dropzone: $('dropzone'), fileInput: $('file-input'), cameraInput: $('camera-input'),
    preview: $('preview'), previewImage: $('preview-image'), stage: $('crop-stage'), cropBox: $('crop-box'),
    caption: $('preview-caption'), cropHint: $('crop-hint'), clearCrop: $('clear-crop'), newPhoto: $('new-photo'),
    shade: $('crop-shade'), filtersDetails: $('filters-details'),
    error: $('error'), status: $('status'), results: $('results'), resultsTitle: $('results-title'),
    more: $('show-more'), filters: $('filters'), filterCount: $('filter-count'), template: $('card-template'),
    explain: $('explain'),
  };
  el.resultsTitle.tabIndex = -1;

  const state = {
    mode: null,          // 'image' (an uploaded photo) or 'similar' (more like a product)
    blob: null, name: '', objectUrl: null,
    likeId: null,
    crop: null,          // {left, top, width, height} in fractions of the photo
    k: config.defaultK,
    controller: null,
    lastQueryKey: null,
  };

  // ---- Getting a photo in -------------------------------------------------------------

  for (const input of [el.fileInput, el.cameraInput]) {
    input.addEventListener('change', () => {
      const file = input.files && input.files[0];
      input.value = '';
      if (file) useFile(file);
    });
  }
  // A click anywhere on the drop zone opens the picker too; keyboard and screen reader users have the
  // file inputs themselves (each inside its visible label, which looks like a button).
  el.dropzone.addEventListener('click', (event) => {
    if (event.target.closest('label, input')) return; // the labels open their own pickers
    el.fileInput.click();
  });
  let dragDepth = 0;
  document.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    dragDepth++; el.dropzone.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) el.dropzone.classList.remove('dragging');
  });
  document.addEventListener('dragover', (event) => { if (hasFiles(event)) event.preventDefault(); });
  document.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth = 0; el.dropzone.classList.remove('dragging');
    const file = [...event.dataTransfer.files].find((f) => !f.type || f.type.startsWith('image/')) || event.dataTransfer.files[0];
    if (file) useFile(file);
  });
  document.addEventListener('paste', (event) => {
    const items = event.clipboardData ? [...event.clipboardData.items] : [];
    const item = items.find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    if (!item) return;
    event.preventDefault();
    const file = item.getAsFile();
    if (file) useFile(file, 'pasted image');
  });

  function hasFiles(event) {
    return event.dataTransfer && [...event.dataTransfer.types].includes('Files');
  }

  async function useFile(file, fallbackName) {
    hideError();
    if (file.size === 0) return showError('That file is empty. Please choose a photo.');
    if (file.size > config.maxBytes) {
      return showError(`That photo is too large (${megabytes(file.size)}). The limit is ${megabytes(config.maxBytes)}.`);
    }
    if (file.type && !file.type.startsWith('image/')) {
      return showError(`“${file.name}” is not an image. Please choose a JPEG, PNG, WebP or HEIC photo.`);
    }
    if (state.objectUrl) URL.revokeObjectURL(state.objectUrl);
    state.objectUrl = URL.createObjectURL(file);
    state.mode = 'image';
    state.name = file.name || fallbackName || 'photo';
    state.likeId = null;
    state.crop = null;
    state.k = config.defaultK;
    state.blob = await shrink(file);
    if (location.search) history.pushState({}, '', '/');
    showPreview(state.objectUrl, `Your photo: ${state.name}`, true);
    search();
  }

  // Large phone photos are scaled down before upload (much faster on mobile data). The server
  // checks everything again; if the browser cannot read the file (e.g. HEIC), it is sent as is.
  async function shrink(file) {
    if (file.size < 1.5e6 || !window.createImageBitmap) return file;
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
      return blob && blob.size < file.size ? blob : file;
    } catch (_) {
      return file;
    }
  }

  // A photo the browser cannot show (e.g. HEIC in some browsers) is still searched: the server reads it.
  el.previewImage.addEventListener('error', () => el.stage.classList.add('no-preview'));
  el.previewImage.addEventListener('load', () => el.stage.classList.remove('no-preview'));

  // On a phone the filters start folded, so the results come first.
  if (el.filtersDetails && window.matchMedia('(max-width: 820px)').matches) el.filtersDetails.open = false;

  function showPreview(src, caption, croppable) {
    el.stage.classList.remove('no-preview');
    el.previewImage.src = src;
    el.previewImage.alt = caption;
    el.caption.textContent = caption;
    el.cropHint.hidden = !croppable;
    el.stage.classList.toggle('no-crop', !croppable);
    el.preview.hidden = false;
    el.dropzone.hidden = true;
    drawCrop();
  }

  el.newPhoto.addEventListener('click', () => resetQuery(true));

  function resetQuery(clearError) {
    state.mode = null;
    state.crop = null;
    el.preview.hidden = true;
    el.dropzone.hidden = false;
    el.results.replaceChildren();
    el.more.hidden = true;
    setStatus('Add a photo to see matching products.');
    if (clearError) hideError();
    if (location.search) history.pushState({}, '', '/');
    el.fileInput.focus();
  }

  // ---- Cropping: drag across the photo, or use the keyboard on the crop box ----------------

  let drag = null;
  el.stage.addEventListener('pointerdown', (event) => {
    if (state.mode !== 'image' || event.button > 0 || el.stage.classList.contains('no-preview')) return;
    const start = pointAt(event);
    drag = { x: start.x, y: start.y, moved: false };
    el.stage.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  el.stage.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const p = pointAt(event);
    const rect = {
      left: Math.min(drag.x, p.x), top: Math.min(drag.y, p.y),
      width: Math.abs(p.x - drag.x), height: Math.abs(p.y - drag.y),
    };
    if (rect.width > 0.01 || rect.height > 0.01) drag.moved = true;
    if (drag.moved) drawCrop(rect);
  });
  const endDrag = (event) => {
    if (!drag) return;
    const p = pointAt(event);
    const rect = {
      left: Math.min(drag.x, p.x), top: Math.min(drag.y, p.y),
      width: Math.abs(p.x - drag.x), height: Math.abs(p.y - drag.y),
    };
    drag = null;
    if (rect.width >= 0.04 && rect.height >= 0.04) {
      setCrop(rect);
    } else {
      drawCrop(); // a click, not a drag: keep what was there
    }
  };
  el.stage.addEventListener('pointerup', endDrag);
  el.stage.addEventListener('pointercancel', () => { drag = null; drawCrop(); });

  function pointAt(event) {
    const box = el.previewImage.getBoundingClientRect();
    return {
      x: clamp((event.clientX - box.left) / box.width, 0, 1),
      y: clamp((event.clientY - box.top) / box.height, 0, 1),
    };
  }

  function setCrop(rect) {
    state.crop = rect ? {
      left: clamp(rect.left, 0, 0.98), top: clamp(rect.top, 0, 0.98),
      width: clamp(rect.width, 0.02, 1 - rect.left), height: clamp(rect.height, 0.02, 1 - rect.top),
    } : null;
    state.k = config.defaultK;
    drawCrop();
    search();
  }

  function drawCrop(rect = state.crop) {
    const box = el.cropBox;
    el.clearCrop.hidden = !state.crop;
    if (!rect || state.mode !== 'image') { box.hidden = true; el.shade.hidden = true; return; }
    box.hidden = false;
    el.shade.hidden = false;
    const [l, t, r, b] = [rect.left, rect.top, rect.left + rect.width, rect.top + rect.height].map((v) => `${(v * 100).toFixed(2)}%`);
    el.shade.style.clipPath = `polygon(evenodd, 0 0, 100% 0, 100% 100%, 0 100%, 0 0, ${l} ${t}, ${l} ${b}, ${r} ${b}, ${r} ${t}, ${l} ${t})`;
    box.style.left = `${rect.left * 100}%`;
    box.style.top = `${rect.top * 100}%`;
    box.style.width = `${rect.width * 100}%`;
    box.style.height = `${rect.height * 100}%`;
  }

  let keyTimer = null;
  el.cropBox.addEventListener('keydown', (event) => {
    if (!state.crop) return;
    const step = 0.02;
    const c = { ...state.crop };
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (event.key === 'Delete' || event.key === 'Backspace' || event.key === 'Escape') {
      event.preventDefault();
      setCrop(null);
      el.newPhoto.focus();
      return;
    }
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    if (event.shiftKey) {
      c.width = clamp(c.width + move[0], 0.04, 1 - c.left);
      c.height = clamp(c.height + move[1], 0.04, 1 - c.top);
    } else {
      c.left = clamp(c.left + move[0], 0, 1 - c.width);
      c.top = clamp(c.top + move[1], 0, 1 - c.height);
    }
    state.crop = c;
    drawCrop();
    clearTimeout(keyTimer);
    keyTimer = setTimeout(search, 350);
  });
  el.clearCrop.addEventListener('click', () => setCrop(null));

  // ---- Filters, "show more", "more like this" ------------------------------------------------

  if (el.filters) {
    el.filters.addEventListener('change', () => { updateFilterCount(); state.k = config.defaultK; search(); });
    el.filters.addEventListener('reset', () => setTimeout(() => { updateFilterCount(); search(); }, 0));
    updateFilterCount();
  }

  function selectedFilters() {
    if (!el.filters) return [];
    return [...el.filters.querySelectorAll('input[type=checkbox]:checked')].map((box) => [box.name, box.value]);
  }

  function updateFilterCount() {
    const n = selectedFilters().length;
    el.filterCount.textContent = n ? String(n) : '';
  }

  // "Why it matched": ask the server for heat maps and draw them over the results.
  el.explain.addEventListener('change', () => { if (state.mode) search({ keepFocus: true }); });

  el.more.addEventListener('click', () => {
    state.k = K_STEPS.find((k) => k > state.k) || config.maxK;
    search({ keepFocus: true });
  });

  el.results.addEventListener('click', (event) => {
    const button = event.target.closest('.more-like');
    if (!button) return;
    event.preventDefault();
    moreLike(button.dataset.id, button.dataset.title, button.dataset.thumbnail, true);
  });

  function moreLike(id, title, thumbnail, push) {
    hideError();
    state.mode = 'similar';
    state.likeId = id;
    state.crop = null;
    state.k = config.defaultK;
    if (push) history.pushState({ like: id }, '', `/?like=${encodeURIComponent(id)}`);
    showPreview(thumbnail || `/thumbnails/${encodeURIComponent(id)}`, title ? `More like “${title}”` : 'More like this item', false);
    search().then(() => el.resultsTitle.focus({ preventScroll: false }));
  }

  window.addEventListener('popstate', () => startFromURL());

  async function startFromURL() {
    const id = new URLSearchParams(location.search).get('like');
    if (!id) {
      if (state.mode === 'similar') el.newPhoto.click();
      return;
    }
    let title = '';
    try {
      const response = await fetch(`/api/products/${encodeURIComponent(id)}`);
      if (response.ok) title = (await response.json()).title;
    } catch (_) { /* the search below reports it */ }
    moreLike(id, title, null, false);
  }

  // ---- Searching and showing results -------------------------------------------------------

  async function search(options = {}) {
    if (!state.mode) return;
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    state.controller = controller;

    const params = new URLSearchParams({ k: String(state.k) });
    for (const [key, value] of selectedFilters()) params.append('filter', `${key}:${value}`);
    if (el.explain.checked) params.set('explain', '1');
    let url;
    const init = { signal: controller.signal, headers: { Accept: 'application/json' } };
    if (state.mode === 'image') {
      if (state.crop) {
        const c = state.crop;
        params.set('crop', [c.left, c.top, c.width, c.height].map((n) => n.toFixed(4)).join(','));
      }
      const form = new FormData();
      form.append('image', state.blob, state.name);
      url = `/api/search?${params}`;
      init.method = 'POST';
      init.body = form;
    } else {
      url = `/api/products/${encodeURIComponent(state.likeId)}/similar?${params}`;
    }

    el.results.setAttribute('aria-busy', 'true');
    setStatus(state.crop ? 'Searching with the part you marked…' : 'Searching…');
    try {
      const response = await fetch(url, init);
      const data = await response.json().catch(() => null);
      if (controller !== state.controller) return;
      if (!response.ok) {
        const message = data && data.error ? data.error.message : `The server answered ${response.status}.`;
        showError(sentence(message));
        // A photo the server cannot use: back to choosing another one.
        if (state.mode === 'image' && IMAGE_ERRORS.includes(data && data.error && data.error.code)) {
          resetQuery(false);
          return;
        }
        el.results.replaceChildren();
        el.more.hidden = true;
        setStatus('No results.');
        return;
      }
      hideError();
      render(data.results, options.keepFocus);
      describe(data);
    } catch (error) {
      if (error.name === 'AbortError') return;
      showError('Could not reach the shop’s server. Check your connection and try again.');
      setStatus('');
    } finally {
      if (controller === state.controller) el.results.setAttribute('aria-busy', 'false');
    }
  }

  function render(results, keepFocus) {
    const previous = el.results.children.length;
    el.results.replaceChildren(...results.map(card));
    el.results.dataset.count = String(results.length);
    el.results.dataset.mode = state.mode;
    el.results.dataset.crop = state.crop ? 'yes' : 'no';
    el.more.hidden = !(results.length >= state.k && state.k < config.maxK);
    if (keepFocus && results.length > previous) {
      const firstNew = el.results.children[previous];
      const link = firstNew && firstNew.querySelector('.card-title a');
      if (link) link.focus({ preventScroll: true });
    }
  }

  function describe(data) {
    const n = data.results.length;
    const parts = [n === 0 ? 'No matches' : `${n} ${n === 1 ? 'match' : 'matches'}`];
    const filters = selectedFilters();
    if (filters.length) parts.push(`filtered by ${filters.map(([, v]) => v).join(', ')}`);
    if (state.mode === 'image' && state.crop) parts.push('for the part you marked');
    parts.push(`in ${Math.round(data.timings.total_ms)} ms`);
    setStatus(parts.join(' · ') + (n === 0 && filters.length ? '. Try fewer filters.' : ''));
  }

  function card(result) {
    const node = el.template.content.firstElementChild.cloneNode(true);
    node.querySelector('.card-image').href = result.url;
    const img = node.querySelector('img');
    img.src = result.thumbnail;
    img.alt = result.title;
    const link = node.querySelector('.card-title a');
    link.href = result.url;
    link.textContent = result.title;
    node.querySelector('.card-meta').textContent = keyFacts(result.attributes).join(' · ');
    const pill = node.querySelector('.score-pill');
    if (config.metric === 'cosine') {
      pill.textContent = `${Math.round(clamp(result.score, 0, 1) * 100)}% match`;
      pill.title = `cosine similarity ${result.score.toFixed(3)}`;
    } else {
      pill.textContent = `distance ${result.score.toFixed(3)}`;
    }
    const button = node.querySelector('.more-like');
    button.dataset.id = result.id;
    button.dataset.title = result.title;
    button.dataset.thumbnail = result.thumbnail;
    button.setAttribute('aria-label', `More like ${result.title}`);
    if (result.heatmap) {
      const draw = () => drawHeatmap(node.querySelector('.card-image'), img, result.heatmap);
      if (img.complete && img.naturalWidth) requestAnimationFrame(draw); else img.addEventListener('load', draw, { once: true });
    }
    return node;
  }

  // A heat map's cells, smoothly scaled over the part of the image they cover (the image is shown
  // with object-fit: contain inside its square box, so the covered rectangle is computed from that).
  function drawHeatmap(box, img, map) {
    const canvas = document.createElement('canvas');
    canvas.className = 'heatmap';
    canvas.width = map.width;
    canvas.height = map.height;
    canvas.setAttribute('aria-hidden', 'true');
    canvas.title = `most similar region (peak cosine ${map.peak.toFixed(2)})`;
    const context = canvas.getContext('2d');
    const pixels = context.createImageData(map.width, map.height);
    map.values.forEach((v, i) => {
      pixels.data.set([255, Math.round(200 * (1 - v)), 0, Math.round(150 * v * v)], i * 4);
    });
    context.putImageData(pixels, 0, 0);
    const style = getComputedStyle(img);
    const padX = parseFloat(style.paddingLeft) || 0, padY = parseFloat(style.paddingTop) || 0;
    const boxW = img.clientWidth - 2 * padX, boxH = img.clientHeight - 2 * padY;
    const scale = Math.min(boxW / img.naturalWidth, boxH / img.naturalHeight);
    const shownW = img.naturalWidth * scale, shownH = img.naturalHeight * scale;
    const left = img.offsetLeft + padX + (boxW - shownW) / 2, top = img.offsetTop + padY + (boxH - shownH) / 2;
    Object.assign(canvas.style, {
      left: `${left + map.region.left * shownW}px`, top: `${top + map.region.top * shownH}px`,
      width: `${map.region.width * shownW}px`, height: `${map.region.height * shownH}px`,
    });
    box.append(canvas);
    box.classList.add('explained');
  }

  function keyFacts(attributes) {
    const rank = (key) => { const i = PREFERRED_KEYS.indexOf(key); return i < 0 ? 99 : i; };
    return Object.keys(attributes || {})
      .filter((key) => !HIDDEN_KEYS.includes(key) && attributes[key])
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
      .slice(0, 3)
      .map((key) => attributes[key]);
  }

  // ---- Small helpers ---------------------------------------------------------------------------

  function showError(message) {
    el.error.textContent = message;
    el.error.hidden = false;
  }
  function hideError() {
    el.error.hidden = true;
    el.error.textContent = '';
  }
  function setStatus(text) { el.status.textContent = text; }
  function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }
  function megabytes(bytes) { return `${(bytes / 1e6).toFixed(1)} MB`; }
  function sentence(text) {
    const trimmed = String(text).trim();
    return trimmed + (/[.!?]$/.test(trimmed) ? '' : '.');
  }

  startFromURL();
})();
