"""Dialogs: the import (progress, cancel, final report) and the list of shortcuts."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.model import ImportReport, Rejection


def rejection_lines(rejected: Sequence[Rejection]) -> str:
    """The rejected files as text to paste (a spreadsheet reads the tabs as columns)."""
    lines = ["Fichier\tEnregistrement\tMotif"]
    lines.extend(f"{r.source}\t{r.record or ''}\t{r.reason}" for r in rejected)
    return "\n".join(lines)


class ImportDialog(QDialog):
    """Shows an import running (progress, Annuler), then its report."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_dialog")
        self.setWindowTitle("Import")
        self.setMinimumWidth(620)
        self.report: ImportReport | None = None

        self.heading = QLabel("Import en cours…")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.message = QLabel("Lecture des fichiers…")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)

        self.counts = QGridLayout()
        self.count_labels: dict[str, QLabel] = {}
        for column, (key, label) in enumerate(
            (
                ("added", "Ajoutées"),
                ("updated", "Mises à jour"),
                ("unchanged", "Inchangées"),
                ("rejected", "Rejetées"),
            )
        ):
            value = QLabel("0")
            value.setObjectName(f"count_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            vfont = value.font()
            vfont.setPointSizeF(vfont.pointSizeF() * 1.6)
            value.setFont(vfont)
            caption = QLabel(label)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.counts.addWidget(value, 0, column)
            self.counts.addWidget(caption, 1, column)
            self.count_labels[key] = value
        self.counts_box = QWidget()
        self.counts_box.setLayout(self.counts)
        self.counts_box.hide()

        self.rejected_title = QLabel("Fichiers et enregistrements rejetés :")
        self.rejected_table = QTableWidget(0, 3)
        self.rejected_table.setObjectName("rejected_table")
        self.rejected_table.setHorizontalHeaderLabels(["Fichier", "Enregistrement", "Motif"])
        self.rejected_table.verticalHeader().hide()
        self.rejected_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rejected_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rejected_table.setWordWrap(True)
        header = self.rejected_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.copy_button = QPushButton("Copier la liste des rejets")
        self.copy_button.setObjectName("copy_rejections")
        self.copy_button.clicked.connect(self.copy_rejections)
        for widget in (self.rejected_title, self.rejected_table, self.copy_button):
            widget.hide()

        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("cancel_import")
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.close_button = self.buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setObjectName("close_import")
        self.close_button.clicked.connect(self.accept)
        self.close_button.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.counts_box)
        layout.addWidget(self.rejected_title)
        layout.addWidget(self.rejected_table, 1)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.buttons)

    @property
    def running(self) -> bool:
        return self.report is None

    def show_progress(self, done: int, total: int | None, message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)
        self.message.setText(message)

    def on_cancel_clicked(self) -> None:
        if self.running:
            self.cancel_button.setEnabled(False)
            self.message.setText("Annulation… les lots déjà enregistrés sont conservés.")
            self.cancel_requested.emit()
        else:
            self.reject()

    def show_report(self, report: ImportReport) -> None:
        self.report = report
        if report.cancelled:
            self.heading.setText("Import interrompu")
            self.message.setText("Les lots enregistrés avant l'annulation sont conservés.")
        else:
            self.heading.setText("Import terminé")
            refs = (
                f" Référentiel des députés : {report.reference_records} fiches."
                if report.reference_records
                else ""
            )
            self.message.setText(
                (
                    "Tout a été importé."
                    if not report.rejected
                    else "Certains fichiers n'ont pas pu être importés."
                )
                + refs
            )
        self.progress.hide()
        for key, value in (
            ("added", report.added),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
            ("rejected", len(report.rejected)),
        ):
            self.count_labels[key].setText(f"{value:,}".replace(",", "\u202f"))
        self.counts_box.show()
        self.rejected_table.setRowCount(len(report.rejected))
        for row, rejection in enumerate(report.rejected):
            for column, text in enumerate((rejection.source, rejection.record or "", rejection.reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.rejected_table.setItem(row, column, item)
        has_rejections = bool(report.rejected)
        for widget in (self.rejected_title, self.rejected_table, self.copy_button):
            widget.setVisible(has_rejections)
        if has_rejections:
            self.rejected_table.setColumnWidth(0, 260)
            self.rejected_table.resizeRowsToContents()
            self.resize(max(self.width(), 820), max(self.height(), 460))
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def show_failure(self, message: str) -> None:
        self.report = ImportReport(cancelled=True)
        self.heading.setText("Import impossible")
        self.message.setText(message)
        self.progress.hide()
        self.cancel_button.hide()
        self.close_button.show()

    def rejected_rows(self) -> list[tuple[str, str, str]]:
        rows = []
        for row in range(self.rejected_table.rowCount()):
            cells = [self.rejected_table.item(row, c) for c in range(3)]
            rows.append(tuple(c.text() if c is not None else "" for c in cells))
        return rows  # type: ignore[return-value]

    def copy_rejections(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText(rejection_lines(self.report.rejected))
            self.copy_button.setText("Liste copiée")


class ShortcutsDialog(QDialog):
    """Aide > Raccourcis: every shortcut of the window, from its actions."""

    def __init__(self, shortcuts: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Raccourcis clavier")
        table = QTableWidget(len(shortcuts), 2)
        table.setObjectName("shortcuts_table")
        table.setHorizontalHeaderLabels(["Action", "Raccourci"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for row, (action, keys) in enumerate(shortcuts):
            table.setItem(row, 0, QTableWidgetItem(action))
            table.setItem(row, 1, QTableWidgetItem(keys))
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(520, 560)


def native_keys(sequence: QKeySequence | str) -> str:
    """A key sequence as the platform writes it (``Ctrl+Maj+C`` in French on Windows/Linux)."""
    text = QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)
    return (
        text.replace("Shift", "Maj")
        .replace("Left", "←")
        .replace("Right", "→")
        .replace("Up", "↑")
        .replace("Down", "↓")
        .replace("Return", "Entrée")
        .replace("Esc", "Échap")
        .replace("PgDown", "Pg. suiv.")
        .replace("PgUp", "Pg. préc.")
    )
