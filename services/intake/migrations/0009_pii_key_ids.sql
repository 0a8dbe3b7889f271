-- Keys that seal petitioners' identity roll (README, "Rotating the PII key"):
-- every sealed value now starts with the id of the key that sealed it
-- (0x01, the id's length, the id; common/crypto.h). Every value sealed before
-- was sealed under the one key of --pii_key, which has the id "1": prefix
-- them so. The look-up hash stays as it is: it is the hash under key "1" too.
UPDATE petitioners SET sealed = '\x010131'::bytea || sealed;
