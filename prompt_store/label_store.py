"""The store's label operations: move a label (audited), list labels, resolve a label or an A/B split for a run."""

from prompt_store import labels, versions
from prompt_store import validation as check
from prompt_store.base import StoreBase
from prompt_store.schemas import ActivePrompt, AuditEvent, LabelInfo, LabelMove


class LabelOperations(StoreBase):
    """Named labels per prompt; `production` is the active version."""

    def move_label(self, name: str, label: str, version: int, *, actor: str = "cli", reason: str = "") -> LabelMove:
        """Point `label` at `version` (created if new): one locked, audited statement; production = rollback."""
        check.check_name(name)
        labels.check_label(label)
        check.check_actor(actor)
        check.check_message(reason)
        with self.driver_connection() as conn:
            move = versions.move_label(
                connection=conn, name=name, label=label, version=version, actor=actor, reason=reason
            )
        self._cache.invalidate()
        return move

    def delete_label(self, name: str, label: str, *, actor: str = "cli", reason: str = "") -> AuditEvent:
        """Remove `label` (audited as `unlabel`); production cannot be removed, a missing label is LabelNotFound."""
        check.check_name(name)
        labels.check_label(label)
        check.check_actor(actor)
        check.check_message(reason)
        with self.driver_connection() as conn:
            event = versions.delete_label(connection=conn, name=name, label=label, actor=actor, reason=reason)
        self._cache.invalidate()
        return event

    def labels(self, name: str) -> list[LabelInfo]:
        with self.autocommit() as s:
            return labels.list_labels(name, session=s)

    def resolve_for_run(self, name: str, label_spec: str, run_key: str) -> ActivePrompt:
        """The version a run uses: `label_spec` is a label or a weighted split ("production:80,staging:20"),
        decided from `run_key` (the flow run id) so that a retried run gets the same label. Read uncached: a run
        starts with the label as it is now, whatever another process moved."""
        label = labels.choose_label(labels.parse_split(label_spec), run_key, name)
        with self.autocommit() as s:
            return labels.resolve(name, label, session=s)
