"""PromptStore: the store's public operations, each in its own transaction."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from prompt_store import finder, labels, templates, versions
from prompt_store import history as version_history
from prompt_store import reindex as reindexing
from prompt_store import validation as check
from prompt_store.defaults import DEFAULT_PROMPTS
from prompt_store.embeddings import resolve_model
from prompt_store.exceptions import PromptAlreadyExists
from prompt_store.label_store import LabelOperations
from prompt_store.labels import PRODUCTION, check_label
from prompt_store.models import Prompt
from prompt_store.schemas import (
    ActivePrompt,
    AuditEvent,
    PromptDiff,
    PromptInfo,
    SearchHit,
    SearchMode,
    VersionInfo,
)
from prompt_store.user_prompt_store import UserPromptOperations


class PromptStore(UserPromptOperations, LabelOperations):
    """Versions, rollback, search and lineage over one database (construction: see `StoreBase`)."""

    # -- versions -------------------------------------------------------------------------------------
    def add_prompt(
        self,
        name: str,
        text: str,
        *,
        prompt_type: str = "system",
        parameters: str | dict[str, Any] | None = None,
        tags: list[str] | None = None,
        variables: dict[str, Any] | None = None,
        author: str = "cli",
        message: str = "created",
    ) -> VersionInfo:
        """Create a prompt; its first version is labelled production (active)."""
        check.check_name(name)
        check.check_type(prompt_type)
        check.check_text(text)
        params, tag_list = check.parse_parameters(parameters), check.check_tags(tags)
        declared = _checked_template(text, variables)
        check.check_actor(author)
        check.check_message(message)
        embeddings = self._embed_one(text)
        with self.driver_connection() as conn:
            created = versions.create_prompt(
                connection=conn,
                name=name,
                prompt_type=prompt_type,
                text=text,
                parameters=params,
                tags=tag_list,
                metadata=_metadata(declared, tag_list),
                author=author,
                message=message,
                embeddings=embeddings,
            )
        self._cache.invalidate()
        return created

    def commit(
        self,
        name: str,
        text: str | None = None,
        *,
        parameters: str | dict[str, Any] | None = None,
        tags: list[str] | None = None,
        variables: dict[str, Any] | None = None,
        author: str = "cli",
        message: str = "",
        label: str = PRODUCTION,
    ) -> VersionInfo:
        """Add the next version and point `label` at it (production: active).

        None keeps what the production version has: its text, parameters, variables, and the prompt's tags; so
        `commit(name, tags=[...])` or `commit(name, parameters={...})` edits tags or parameters as a new version.
        """
        check.check_name(name)
        check_label(label)
        params = None if parameters is None else check.parse_parameters(parameters)
        tag_list = None if tags is None else check.check_tags(tags)
        check.check_actor(author)
        check.check_message(message)
        if text is None or variables is None:
            with self.autocommit() as s:
                current = labels.resolve(name, PRODUCTION, session=s)
            text = current.text if text is None else text
            variables = current.variables if variables is None else variables
        declared = _checked_template(check.check_text(text), variables)
        embedding = self.embedder().embed([text])[0]  # computed before any lock; see versions.commit_version
        with self.driver_connection() as conn:
            committed = versions.commit_version(
                connection=conn,
                name=name,
                text=text,
                parameters=params,
                tags=tag_list,
                metadata={"variables": templates.to_metadata(declared)},  # the function adds the tags
                author=author,
                message=message,
                model=self.model,
                embedding=embedding,
                label=label,
            )
        self._cache.invalidate()
        return committed

    def rollback(self, name: str, to_version: int, *, actor: str = "cli", reason: str = "") -> AuditEvent:
        """Make an existing version active again (audited); versions are never rewritten."""
        check.check_actor(actor)
        check.check_message(reason)
        with self.driver_connection() as conn:
            event = versions.rollback(connection=conn, name=name, to_version=to_version, actor=actor, reason=reason)
        self._cache.invalidate()
        return event

    def get_active_prompt(self, name: str, label: str = PRODUCTION) -> ActivePrompt:
        """The version `label` points at, read from its version row and cached for `prompt_cache_ttl_s`
        (dropped on local writes)."""
        key = f"{name}@{check_label(label)}"
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        with self.autocommit() as s:
            active = labels.resolve(name, label, session=s)
        self._cache.put(key, active)
        return active

    def show(self, name: str, version: int | None = None) -> VersionInfo:
        with self.autocommit() as s:
            return version_history.show(name, session=s, version=version)

    def history(self, name: str) -> list[VersionInfo]:
        with self.autocommit() as s:
            return version_history.history(name, session=s)

    def audit_log(self, name: str) -> list[AuditEvent]:
        with self.autocommit() as s:
            return version_history.audit_log(name, session=s)

    def diff(self, name: str, from_version: int, to_version: int) -> PromptDiff:
        with self.autocommit() as s:
            return version_history.diff(name, from_version, to_version, session=s)

    def list_prompts(self, *, prompt_type: str | None = None, tag: str | None = None) -> list[PromptInfo]:
        with self.autocommit() as s:
            return version_history.list_prompts(session=s, prompt_type=prompt_type, tag=tag)

    def ensure_default_prompts(self) -> list[str]:
        """Create the built-in prompts that are missing; returns the names created."""
        with self.autocommit() as s:
            missing = [d for d in DEFAULT_PROMPTS if not _exists(s, d.name)]
        created = []
        for default in missing:
            try:
                self.add_prompt(
                    default.name,
                    default.text,
                    prompt_type=default.type,
                    parameters=default.parameters,
                    tags=list(default.tags),
                    author="system",
                    message="default prompt",
                )
                created.append(default.name)
            except PromptAlreadyExists:  # another process seeded it first
                pass
        self._update_untouched_defaults()
        return created

    def _update_untouched_defaults(self) -> None:
        """A default still at its only version, an earlier release's text, gets the current text as version 2
        (audited like any commit). A prompt with any commit or rollback of its own is left alone."""
        for default in DEFAULT_PROMPTS:
            active = self.get_active_prompt(default.name)
            if active.text in default.earlier_texts and len(self.history(default.name)) == 1:
                self.commit(default.name, default.text, author="system", message="default prompt updated")

    # -- search ---------------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        mode: SearchMode = "hybrid",
        k: int = 10,
        prompt_type: str | None = None,
        tags: list[str] | None = None,
        model: str | None = None,
        all_versions: bool = False,
    ) -> list[SearchHit]:
        """The k best prompts (their best-matching version each) by meaning, words and name; see `finder`.

        `all_versions=True` ranks versions instead, several per prompt. Raises UnknownSearchMode (a ValueError)
        for a mode not in SEARCH_MODES and InvalidPromptInput for an empty or oversize query.
        """
        request = finder.check_request(
            finder.SearchRequest(
                query=query, mode=mode, k=k, prompt_type=prompt_type, tags=tags, all_versions=all_versions
            )
        )
        model = resolve_model(model or self.model, self.settings)
        embedder = self.embedder(model)
        return finder.run(request, session_factory=self.autocommit, embed=lambda q: embedder.embed([q])[0], model=model)

    def reindex(self, model: str | None = None) -> int:
        """(Re-)embed every version and user prompt with `model`; returns how many rows were written."""
        return reindexing.reindex(self.session, self.embedder(model))


def _exists(session: Session, name: str) -> bool:
    return session.scalars(select(Prompt.id).where(Prompt.name == name)).first() is not None


def _checked_template(text: str, variables: dict[str, Any] | None) -> templates.Variables:
    declared = templates.parse_variables(variables)
    templates.validate(text, declared)
    return declared


def _metadata(variables: templates.Variables, tags: list[str] | None) -> dict[str, Any]:
    return {"variables": templates.to_metadata(variables), "tags": list(tags or [])}
