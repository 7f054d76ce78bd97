-- Cross-track packages and joint texts.
--
-- package_parts: the parts of a cross-track package, each a proposal of
-- its own track; package_id is the id of its first part.
--
-- text_parts: the texts of a joint text, one per track; joint_id is the id
-- of its first part's text.
--
-- Each row is authenticated (mac), as every row of the domain.
CREATE TABLE package_parts (
	proposal_id BIGINT PRIMARY KEY REFERENCES proposals (id),
	package_id  BIGINT  NOT NULL REFERENCES proposals (id),
	track_id    BIGINT  NOT NULL REFERENCES tracks (id),
	position    BIGINT  NOT NULL,
	mac         BYTEA
);
CREATE INDEX package_parts_package ON package_parts (package_id, position);

CREATE TABLE text_parts (
	text_id  BIGINT PRIMARY KEY REFERENCES texts (id),
	joint_id BIGINT  NOT NULL REFERENCES texts (id),
	track_id BIGINT  NOT NULL REFERENCES tracks (id),
	position BIGINT  NOT NULL,
	mac      BYTEA
);
CREATE INDEX text_parts_joint ON text_parts (joint_id, position);
