/** Saves text as a file from the page: works the same in a browser and in the app window. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  // A BOM makes Excel read the file as UTF-8 (model names and notes may hold any character).
  const blob = new Blob(['\ufeff', text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Starts a download the server streams (a link click, as the Activity view's export links do). */
export function downloadUrl(href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
