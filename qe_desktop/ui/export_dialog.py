"""The export dialog (Fichier › Exporter…, Ctrl+P): what to export, how, a preview, then the file.

The window offers what can be exported now (:class:`ExportChoice`: the question
shown, the results selected, all the results of the search, a dossier, a passage
selected in the reader); the dialog asks how (format, title, « Préparé par »,
options, colours and tags kept) and remembers it.  The preview is the real PDF
of the first questions, rendered by PDFium (``export.job.preview``); it and the
export itself run in a thread of their own (:class:`ExportJobs`), the export
with progress and Annuler.  The file appears complete or not at all.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.export import FORMATS
from qe_desktop.export.content import ExportError, ExportOptions, Selection
from qe_desktop.export.job import ExportDone, ExportRequest, PreviewPage, preview, run_export
from qe_desktop.jobs import Cancelled
from qe_desktop.model import ColourMeaning
from qe_desktop.paths import DataPaths
from qe_desktop.ui.reader import colour_icon
from qe_desktop.ui.settings import Settings
from qe_desktop.ui.workers import Job, user_message

#: Wait this long after the last change of an option before laying the preview out again.
PREVIEW_DELAY_MS = 350


@dataclass(frozen=True, slots=True)
class ExportChoice:
    """One thing the user can export now, as the window offers it."""

    #: What the list of choices says: « La question affichée », « Les 3 questions sélectionnées »…
    label: str
    uids: tuple[str, ...] | Callable[[], Sequence[str]]
    title: str
    source: str
    description: str = ""
    selection: Selection | None = None
    #: A dossier's questions: those gone from the corpus are left out (and said), not refused.
    skip_missing: bool = False


# -- the thread ----------------------------------------------------------------------------


class ExportJobs(QObject):
    """Previews and exports, one at a time, off the GUI thread; a newer preview replaces an older one."""

    previewed = Signal(int, object, object)  # token, list[PreviewPage] | None, error (French) | None
    progressed = Signal(int, object, str)  # done, total | None, message
    exported = Signal(object, object)  # ExportDone | None, error (French) | None (None, None: cancelled)

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.preview_token = 0
        self.cancel_event = threading.Event()

    def preview(self, request: ExportRequest) -> int:
        self.preview_token += 1
        token = self.preview_token

        def work() -> None:
            if token != self.preview_token:
                return  # replaced before it started
            try:
                pages = preview(self.paths, request, cancelled=lambda: token != self.preview_token)
            except Cancelled:
                return
            except ExportError as exc:
                self.previewed.emit(token, None, str(exc))
                return
            except Exception as exc:
                self.previewed.emit(token, None, user_message(exc, self.paths))
                return
            self.previewed.emit(token, pages, None)

        self.pool.start(Job(work))
        return token

    def export(self, request: ExportRequest, target: Path) -> None:
        self.cancel_event.clear()
        self.preview_token += 1  # a preview still queued is of no use now

        def work() -> None:
            try:
                done = run_export(
                    self.paths,
                    request,
                    target,
                    progress=lambda d, t, m: self.progressed.emit(d, t, m),
                    cancelled=self.cancel_event.is_set,
                )
            except Cancelled:
                self.exported.emit(None, None)
                return
            except ExportError as exc:
                self.exported.emit(None, str(exc))
                return
            except Exception as exc:
                self.exported.emit(None, user_message(exc, self.paths))
                return
            self.exported.emit(done, None)

        self.pool.start(Job(work))

    def cancel(self) -> None:
        self.cancel_event.set()
        self.preview_token += 1

    def shutdown(self) -> None:
        self.cancel()
        self.pool.waitForDone()


# -- the dialog -----------------------------------------------------------------------------


def file_name(title: str, suffix: str) -> str:
    """A file name from a title: its words, no character a file system refuses."""
    words = re.sub(r'[\\/:*?"<>|\x00-\x1f«»]+', " ", title).split()
    return (" ".join(words)[:80].strip() or "export") + suffix


class ExportDialog(QDialog):
    """Choose, preview, export."""

    def __init__(
        self,
        paths: DataPaths,
        settings: Settings,
        choices: Sequence[ExportChoice],
        colours: Sequence[ColourMeaning],
        tags: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if not choices:
            raise ValueError("nothing to export")
        self.setObjectName("export_dialog")
        self.setWindowTitle("Exporter")
        self.paths = paths
        self.settings = settings
        self.choices = list(choices)
        self.jobs = ExportJobs(paths, self)
        self.last_done: ExportDone | None = None
        self.running = False
        self._preview_token = 0

        self.what = QComboBox()
        self.what.setObjectName("export_what")
        for choice in self.choices:
            self.what.addItem(choice.label)
        self.format = QComboBox()
        self.format.setObjectName("export_format")
        for key, (suffix, name) in FORMATS.items():
            self.format.addItem(f"{name} ({suffix})", key)
        self.title = QLineEdit()
        self.title.setObjectName("export_title")
        self.author = QLineEdit(self._setting("author", ""))
        self.author.setPlaceholderText("Votre nom, imprimé sur la couverture")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("Présentation du dossier (facultatif)")
        self.description.setFixedHeight(64)

        self.key_data = QCheckBox("Données clés")
        self.answer = QCheckBox("Texte des réponses")
        self.highlights = QCheckBox("Surlignages en couleur")
        self.notes = QCheckBox("Notes")
        self.excerpts = QCheckBox("Extraits seulement (passages annotés et leur phrase)")
        for box, key, default in (
            (self.key_data, "key_data", True),
            (self.answer, "answer", True),
            (self.highlights, "highlights", True),
            (self.notes, "notes", True),
            (self.excerpts, "excerpts", False),
        ):
            box.setObjectName(f"export_{key}")
            box.setChecked(self._setting(key, "true" if default else "false") == "true")
        self.colour_boxes: dict[int, QCheckBox] = {}
        colours_box = QGroupBox("Annotations gardées : couleurs")
        colours_layout = QVBoxLayout(colours_box)
        colours_layout.setSpacing(2)
        kept = self._setting("colours", "1,2,3,4,5").split(",")
        for c in colours:
            box = QCheckBox(c.meaning)
            box.setIcon(colour_icon(c.number))
            box.setChecked(str(c.number) in kept)
            self.colour_boxes[c.number] = box
            colours_layout.addWidget(box)
        self.tags = QLineEdit(self._setting("tags", ""))
        self.tags.setPlaceholderText(
            "toutes les étiquettes" + (f" (par ex. {', '.join(tags[:3])})" if tags else "")
        )

        form = QFormLayout()
        form.addRow("Exporter", self.what)
        form.addRow("Format", self.format)
        form.addRow("Titre", self.title)
        form.addRow("Préparé par", self.author)
        form.addRow("Présentation", self.description)
        options = QGroupBox("Contenu")
        options_layout = QVBoxLayout(options)
        options_layout.setSpacing(2)
        for box in (self.key_data, self.answer, self.highlights, self.notes, self.excerpts):
            options_layout.addWidget(box)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(options)
        left.addWidget(colours_box)
        tags_row = QFormLayout()
        tags_row.addRow("Étiquettes", self.tags)
        left.addLayout(tags_row)
        left.addStretch(1)

        self.preview_title = QLabel("<b>Aperçu</b> — premières pages du PDF")
        self.preview_box = QWidget()
        self.preview_layout = QVBoxLayout(self.preview_box)
        self.preview_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview_status = QLabel("Mise en page de l'aperçu…")
        self.preview_status.setObjectName("export_preview_status")
        self.preview_status.setWordWrap(True)
        self.preview_layout.addWidget(self.preview_status)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview_box)
        scroll.setMinimumWidth(470)
        scroll.setStyleSheet("QScrollArea { background: #6b7280; } QWidget#preview { background: #6b7280; }")
        self.preview_box.setObjectName("preview")
        right = QVBoxLayout()
        right.addWidget(self.preview_title)
        right.addWidget(scroll, 1)

        columns = QHBoxLayout()
        columns.addLayout(left, 0)
        columns.addLayout(right, 1)

        self.message = QLabel()
        self.message.setObjectName("export_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.message.linkActivated.connect(self.on_message_link)
        self.progress = QProgressBar()
        self.progress.hide()
        self.export_button = QPushButton("Exporter…")
        self.export_button.setObjectName("export_button")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.hide()
        self.close_button = QPushButton("Fermer")
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(1040, 760)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh_preview)
        self.what.currentIndexChanged.connect(self.on_choice_changed)
        fmt = self._setting("format", "pdf")
        self.format.setCurrentIndex(max(0, self.format.findData(fmt)))
        for box in (
            self.key_data,
            self.answer,
            self.highlights,
            self.notes,
            self.excerpts,
            *self.colour_boxes.values(),
        ):
            box.toggled.connect(self.schedule_preview)
        for edit in (self.title, self.author, self.tags):
            edit.textChanged.connect(self.schedule_preview)
        self.description.textChanged.connect(self.schedule_preview)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.cancel_button.clicked.connect(self.jobs.cancel)
        self.close_button.clicked.connect(self.reject)
        self.jobs.previewed.connect(self.on_previewed)
        self.jobs.progressed.connect(self.on_progressed)
        self.jobs.exported.connect(self.on_exported)
        self.on_choice_changed(0)

    # -- settings --

    def _setting(self, key: str, default: str) -> str:
        value = self.settings.qsettings.value(f"export/{key}", default)
        return str(value) if value is not None else default

    def _remember(self) -> None:
        q = self.settings.qsettings
        q.setValue("export/format", self.format.currentData())
        q.setValue("export/author", self.author.text().strip())
        for box, key in (
            (self.key_data, "key_data"),
            (self.answer, "answer"),
            (self.highlights, "highlights"),
            (self.notes, "notes"),
            (self.excerpts, "excerpts"),
        ):
            q.setValue(f"export/{key}", "true" if box.isChecked() else "false")
        q.setValue("export/colours", ",".join(str(n) for n, b in self.colour_boxes.items() if b.isChecked()))
        q.setValue("export/tags", self.tags.text().strip())
        self.settings.sync()

    # -- the request --

    def choice(self) -> ExportChoice:
        return self.choices[self.what.currentIndex()]

    def options(self) -> ExportOptions:
        colours = frozenset(n for n, b in self.colour_boxes.items() if b.isChecked())
        tags = frozenset(t.strip() for t in self.tags.text().split(",") if t.strip())
        return ExportOptions(
            key_data=self.key_data.isChecked(),
            answer=self.answer.isChecked(),
            highlights=self.highlights.isChecked(),
            notes=self.notes.isChecked(),
            excerpts_only=self.excerpts.isChecked(),
            colours=None if len(colours) == len(self.colour_boxes) else colours,
            tags=tags or None,
        )

    def request(self) -> ExportRequest:
        choice = self.choice()
        return ExportRequest(
            fmt=str(self.format.currentData()),
            uids=choice.uids,
            title=self.title.text().strip() or choice.title,
            source=choice.source,
            description=self.description.toPlainText().strip(),
            author=self.author.text().strip(),
            options=self.options(),
            selection=choice.selection,
            skip_missing=choice.skip_missing,
        )

    # -- preview --

    def on_choice_changed(self, index: int) -> None:
        choice = self.choices[index]
        self.title.setText(choice.title)
        self.description.setPlainText(choice.description)
        self.excerpts.setEnabled(choice.selection is None)
        self.schedule_preview()

    def schedule_preview(self) -> None:
        self.timer.start()

    def refresh_preview(self) -> None:
        if self.running:
            return
        self.preview_status.setText("Mise en page de l'aperçu…")
        self.preview_status.show()
        self._preview_token = self.jobs.preview(replace(self.request(), fmt="pdf"))

    def on_previewed(self, token: int, pages: list[PreviewPage] | None, error: str | None) -> None:
        if token != self._preview_token:
            return
        while self.preview_layout.count() > 1:
            item = self.preview_layout.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if error or not pages:
            self.preview_status.setText(error or "Aperçu indisponible.")
            self.preview_status.show()
            return
        self.preview_status.hide()
        for page in pages:
            image = QImage(
                page.pixels, page.width, page.height, page.width * 4, QImage.Format.Format_RGBA8888
            )
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image.copy()))
            label.setStyleSheet("border: 1px solid #444; background: white;")
            self.preview_layout.addWidget(label)

    # -- export --

    def on_export_clicked(self) -> None:
        request = self.request()
        suffix, name = FORMATS[request.fmt]
        folder = self._setting("folder", str(Path.home()))
        suggested = str(Path(folder) / file_name(request.title, suffix))
        chosen, _ = QFileDialog.getSaveFileName(self, "Exporter vers", suggested, f"{name} (*{suffix})")
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        self.start_export(request, target)

    def start_export(self, request: ExportRequest, target: Path) -> None:
        self._remember()
        self.settings.qsettings.setValue("export/folder", str(target.parent))
        self.running = True
        self.timer.stop()
        self.message.setText(f"Export vers « {target.name} »…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.export_button.setEnabled(False)
        self.jobs.export(request, target)

    def on_progressed(self, done: int, total: int | None, message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(message)
        self.progress.setTextVisible(True)

    def on_exported(self, done: ExportDone | None, error: str | None) -> None:
        self.running = False
        self.progress.hide()
        self.cancel_button.hide()
        self.export_button.setEnabled(True)
        self.last_done = done
        if done is None:
            self.message.setText(
                f'<span style="color:#b42318">{html.escape(error)}</span>'
                if error
                else "Export annulé : aucun fichier écrit."
            )
            return
        count = f"{done.questions} question{'s' if done.questions > 1 else ''}"
        notes = f", {done.notes} note{'s' if done.notes > 1 else ''}" if done.notes else ""
        missing = ""
        if done.missing:
            n = len(done.missing)
            missing = (
                f"<br>{n} question{'s' if n > 1 else ''} absente{'s' if n > 1 else ''} du corpus, "
                f"non exportée{'s' if n > 1 else ''} : {html.escape(', '.join(done.missing))}"
            )
        self.message.setText(
            f"Exporté : <b>{html.escape(done.path.name)}</b> ({count}{notes}) — "
            f'<a href="open">Ouvrir</a> · <a href="folder">Afficher le dossier</a>{missing}'
        )

    def on_message_link(self, link: str) -> None:
        if self.last_done is None:
            return
        path = self.last_done.path if link == "open" else self.last_done.path.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def done(self, result: int) -> None:
        self._remember()
        self.jobs.shutdown()
        super().done(result)
