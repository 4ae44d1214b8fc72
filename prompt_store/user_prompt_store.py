"""The store's operations on user prompts: record, queue, claim, lineage, similarity."""

from typing import Any

from prompt_store import search, user_prompts
from prompt_store import validation as check
from prompt_store.base import StoreBase
from prompt_store.schemas import Lineage, QueuedUserPrompt, UserPromptHit, UserPromptRow, UserPromptStatus


class UserPromptOperations(StoreBase):
    """Requests of users and what each run made of them (lineage)."""

    def record_user_prompt(
        self,
        text: str,
        *,
        language: str | None = None,
        metadata: dict[str, Any] | None = None,
        username: str = "cli",
        status: UserPromptStatus = "recorded",
        embed: bool = True,
    ) -> int:
        """Store a user's request (embedded for similarity search unless `embed=False`: then call
        `embed_user_prompt` later, off the caller's critical path); returns its id."""
        check.check_text(text)
        check.check_actor(username)
        language = check.check_language(language)
        meta = check.check_metadata(metadata)
        embeddings = self._embed_one(text) if embed else {}
        with self.session() as s:
            return user_prompts.record(
                text,
                session=s,
                language=language,
                metadata=meta,
                username=username,
                status=status,
                embeddings=embeddings,
            )

    def embed_user_prompt(self, user_prompt_id: int) -> bool:
        """Embed a user prompt that has no embedding of the store's model yet; False when it already had one
        (then the model is not even loaded)."""
        with self.autocommit() as s:
            text = user_prompts.text_without_embedding(user_prompt_id, self.model, session=s)
        if text is None:
            return False
        with self.session() as s:
            user_prompts.add_embeddings(user_prompt_id, self._embed_one(text), session=s)
        return True

    def queue_user_prompt(
        self,
        text: str,
        *,
        language: str | None = None,
        metadata: dict[str, Any] | None = None,
        username: str = "cli",
    ) -> int:
        """Record a user prompt for a later batch run; returns its id."""
        return self.record_user_prompt(text, language=language, metadata=metadata, username=username, status="queued")

    def next_queued_user_prompts(self, limit: int = 10) -> list[QueuedUserPrompt]:
        with self.session() as s:
            return user_prompts.claim_queued(limit, session=s)

    def list_user_prompts(
        self, statuses: list[UserPromptStatus], limit: int = 100, username: str | None = None
    ) -> list[UserPromptRow]:
        """User prompts in one of `statuses`, oldest first (`p2v queue list`); only `username`'s when given."""
        with self.autocommit() as s:
            return user_prompts.list_by_status(statuses, limit, username=username, session=s)

    def set_user_prompt_status(self, user_prompt_id: int, status: UserPromptStatus) -> None:
        with self.session() as s:
            user_prompts.set_status(user_prompt_id, status, session=s)

    def record_lineage(
        self,
        user_prompt_id: int,
        *,
        flow_run_id: str | None = None,
        video_path: str | None = None,
        publication_url: str | None = None,
        prompt_versions: dict[str, int] | None = None,
        prompt_labels: dict[str, str] | None = None,
    ) -> None:
        """`prompt_labels` names the label each prompt version was resolved through (A/B splits)."""
        with self.session() as s:
            user_prompts.record_lineage(
                user_prompt_id,
                session=s,
                flow_run_id=flow_run_id,
                video_path=video_path,
                publication_url=publication_url,
                prompt_versions=prompt_versions or {},
                prompt_labels=prompt_labels or {},
            )

    def lineage(self, key: str | int) -> Lineage:
        with self.autocommit() as s:
            return user_prompts.lineage(key, session=s)

    def similar_user_prompts(self, text: str, *, k: int = 5, exclude_id: int | None = None) -> list[UserPromptHit]:
        check.check_text(text, "query")
        vector = self.embedder().embed([text])[0]
        with self.autocommit() as s:
            return search.similar_user_prompts(vector, session=s, model=self.model, k=k, exclude_id=exclude_id)
