// The recorder's browser side: microphone -> Web Audio -> 16-bit PCM WAV -> the kernel (helpers/recorder.py).
const TAP = `registerProcessor("tap", class extends AudioWorkletProcessor {
  process([input]) { if (input.length) this.port.postMessage(input[0].slice()); return true; }
});`;
// What the microphone hears, without the processing tuned for calls (the speech-to-text models want it raw).
const RAW = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
const UPLOAD = " Upload a recording instead (the studio's Upload button, or drag a file into the file browser).";
const REFUSED = {
  NotAllowedError: "The browser refused the microphone (permission denied).",
  SecurityError: "The browser refused the microphone (permission denied).",
  NotFoundError: "No microphone found.",
  NotReadableError: "The microphone is in use or blocked by the system.",
};

function wav(chunks, rate) {
  const count = chunks.reduce((n, chunk) => n + chunk.length, 0);
  const view = new DataView(new ArrayBuffer(44 + 2 * count));
  const text = (at, s) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF"); view.setUint32(4, 36 + 2 * count, true); text(8, "WAVEfmt "); view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); view.setUint16(22, 1, true); view.setUint32(24, rate, true);
  view.setUint32(28, 2 * rate, true); view.setUint16(32, 2, true); view.setUint16(34, 16, true);
  text(36, "data"); view.setUint32(40, 2 * count, true);
  let at = 44;
  for (const chunk of chunks) {
    for (const x of chunk) { view.setInt16(at, Math.round(Math.max(-1, Math.min(1, x)) * 32767), true); at += 2; }
  }
  return view.buffer;
}

function render({ model, el }) {
  el.classList.add("jupyter-widgets", "g4f-recorder"); // ipywidgets' look, as the studio's own buttons
  el.innerHTML = `<div class="row"><button class="jupyter-button widget-button">● Record</button>
    <button class="jupyter-button widget-button" disabled>■ Stop</button>
    <meter min="0" max="1" value="0" title="microphone level"></meter><span class="time"></span></div>
    <div class="message"></div>`;
  const [record, stop] = el.querySelectorAll("button");
  const [meter, time, message] = ["meter", ".time", ".message"].map((s) => el.querySelector(s));
  const show = () => { message.textContent = model.get("message"); };
  model.on("change:message", show);
  show();
  const say = (text) => { model.set("message", text); model.save_changes(); };
  let session = null;

  async function start() {
    if (!navigator.mediaDevices?.getUserMedia) {
      return say("This page is not a secure origin (https or localhost), so the browser offers no microphone." + UPLOAD);
    }
    record.disabled = true;
    let stream = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: RAW });
      const context = new AudioContext();
      await context.audioWorklet.addModule(URL.createObjectURL(new Blob([TAP], { type: "text/javascript" })));
      const tap = new AudioWorkletNode(context, "tap");
      const chunks = [];
      tap.port.onmessage = ({ data }) => {
        chunks.push(data);
        if (chunks.length === 1) say("Recording… speak, then press Stop.");
        meter.value = data.reduce((peak, x) => Math.max(peak, Math.abs(x)), 0);
        const seconds = (chunks.length * data.length) / context.sampleRate;
        time.textContent = `${seconds.toFixed(1)} s`;
        if (seconds >= model.get("max_seconds")) finish();
      };
      context.createMediaStreamSource(stream).connect(tap);
      await context.resume();
      session = { stream, context, tap, chunks };
      stop.disabled = false;
    } catch (error) {
      stream?.getTracks().forEach((track) => track.stop());
      record.disabled = false;
      say((REFUSED[error.name] || `The microphone is unavailable (${error.name}: ${error.message}).`) + UPLOAD);
    }
  }

  function finish() {
    if (!session) return;
    const { stream, context, tap, chunks } = session;
    session = null;
    tap.port.onmessage = null; // audio still queued after Stop is not part of the clip
    stream.getTracks().forEach((track) => track.stop());
    context.close();
    const clip = wav(chunks, context.sampleRate);
    const audio = el.querySelector("audio") || message.insertAdjacentElement("beforebegin", new Audio());
    audio.controls = true;
    audio.src = URL.createObjectURL(new Blob([clip], { type: "audio/wav" }));
    meter.value = 0;
    record.disabled = false;
    stop.disabled = true;
    say("Saving…");
    model.send({ kind: "clip" }, undefined, [clip]);
  }

  record.addEventListener("click", start);
  stop.addEventListener("click", finish);
  return () => finish();
}

export default { render };
