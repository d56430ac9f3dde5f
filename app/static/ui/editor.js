// The ADQL editor: a textarea with line numbers, and an error marked at its line and
// column (a highlight drawn behind the text, a marker in the gutter, the message under
// it with the suggested fix as a button).

export class Editor {
  constructor(root) {
    this.root = root;
    this.gutter = root.querySelector(".gutter");
    this.backdrop = root.querySelector(".backdrop");
    this.text = root.querySelector("textarea");
    this.message = document.getElementById("query-error");
    this.text.addEventListener("input", () => this.clearError());
    this.text.addEventListener("scroll", () => this.sync());
    this.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.root.dispatchEvent(new CustomEvent("run"));
      }
    });
    this.error = null;
    this.render();
  }

  get value() {
    return this.text.value;
  }

  set value(text) {
    this.text.value = text;
    this.clearError();
  }

  insert(word) {
    // At the cursor, as a person would type it.
    const { selectionStart: start, selectionEnd: end, value } = this.text;
    this.text.value = value.slice(0, start) + word + value.slice(end);
    this.text.focus();
    this.text.setSelectionRange(start + word.length, start + word.length);
    this.clearError();
  }

  offset(line, column) {
    const lines = this.text.value.split("\n");
    let at = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    return at + column - 1;
  }

  wordAt(offset) {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.value.slice(offset));
    return match ? match[0].length : 1;
  }

  showError(error) {
    this.error = error;
    this.message.hidden = false;
    this.message.replaceChildren();
    const where = error.line ? `Line ${error.line}, column ${error.column}: ` : "";
    const text = document.createElement("span");
    // The service's message repeats the line with a caret: the editor marks it instead.
    const first = error.message.split("\n")[0];
    text.textContent = where + first.replace(/^line \d+, column \d+: /, "");
    text.className = "error-text";
    this.message.append(text);
    if (error.suggestion && error.line) {
      const fix = document.createElement("button");
      fix.type = "button";
      fix.className = "fix";
      fix.textContent = `Use ${error.suggestion}`;
      fix.addEventListener("click", () => this.applySuggestion());
      this.message.append(fix);
    }
    this.render();
    if (error.line) {
      const at = this.offset(error.line, error.column);
      this.text.focus();
      this.text.setSelectionRange(at, at + this.wordAt(at));
    }
  }

  applySuggestion() {
    const { line, column, suggestion } = this.error;
    const at = this.offset(line, column);
    const value = this.text.value;
    this.text.value = value.slice(0, at) + suggestion + value.slice(at + this.wordAt(at));
    this.clearError();
    this.text.focus();
  }

  clearError() {
    if (this.error) {
      this.error = null;
      this.message.hidden = true;
      this.message.replaceChildren();
    }
    this.render();
  }

  render() {
    const lines = this.text.value.split("\n");
    const bad = this.error && this.error.line;
    this.gutter.replaceChildren(
      ...lines.map((_, i) => {
        const number = document.createElement("div");
        number.textContent = i + 1;
        if (bad === i + 1) number.className = "bad";
        return number;
      }),
    );
    this.backdrop.replaceChildren();
    if (bad) {
      const at = this.offset(this.error.line, this.error.column);
      const value = this.text.value;
      const end = at + this.wordAt(at);
      const mark = document.createElement("mark");
      mark.textContent = value.slice(at, end) || " ";
      this.backdrop.append(value.slice(0, at), mark, value.slice(end) + "\n");
    }
    this.sync();
  }

  sync() {
    this.gutter.scrollTop = this.text.scrollTop;
    this.backdrop.scrollTop = this.text.scrollTop;
    this.backdrop.scrollLeft = this.text.scrollLeft;
  }
}
