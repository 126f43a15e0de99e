"""Every feature's models in one place, for Alembic autogenerate and `flask shell`."""

from cop.auth.models import Invitation, MemberStatus, Role, User  # noqa: F401
from cop.mail import OutboxMessage  # noqa: F401
from cop.orgs.models import Organization, OrgKind  # noqa: F401
from cop.competencies.models import Competency  # noqa: F401
from cop.practices.models import (Attachment, Bookmark, HelpfulMark, Practice, PracticeFacet,  # noqa: F401
                                  PracticeRevision, Tag, Topic)
from cop.notifications.models import Notification, NotificationSettings  # noqa: F401
from cop.discussions.models import (Category, Flag, Follow, ModerationLogEntry, PostRevision, Reply,  # noqa: F401
                                    ReplyHelpfulMark, Thread, ThreadRead)
from cop.search.models import SearchChange, SearchQuery  # noqa: F401
from cop.events.models import Event, FeedbackAnswer, FeedbackQuestion, FeedbackResponse, Rsvp  # noqa: F401
from cop.programs.models import (Facet, PeerQuestion, PrivateField, Program, ProgramFacet,  # noqa: F401
                                 ProgramPartner)
from cop.cache.models import ContentVersion  # noqa: F401
from cop.messages.models import (Conversation, ConversationMember, Message, MessageAttachment,  # noqa: F401
                                 MessageBlock, MessageReport)
from cop.inbound.models import InboundMessage  # noqa: F401
from cop.privacy.models import DataExport  # noqa: F401
from cop.sso.models import ExternalIdentity, IdentityProvider  # noqa: F401
from cop.dashboard.models import MemberVisit  # noqa: F401
from cop.api.models import ApiToken  # noqa: F401
from cop.webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: F401
