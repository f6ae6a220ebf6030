package config

import (
	"fmt"
	"net/url"
)

// CardsOn reports whether WeCom members get template cards.
func (c *Config) CardsOn() bool { return c.Cards != "off" }

// Announcement formats (UNIONBOT_ANNOUNCE_FORMAT).
const (
	AnnounceText = "text"
	AnnounceCard = "card"
)

func (c *Config) validateCards() error {
	switch c.Cards {
	case "":
		c.Cards = "on"
	case "on", "off":
	default:
		return fmt.Errorf("UNIONBOT_CARDS: %q is not on or off", c.Cards)
	}
	switch c.AnnounceFormat {
	case "":
		c.AnnounceFormat = AnnounceText
	case AnnounceText, AnnounceCard:
	default:
		return fmt.Errorf("UNIONBOT_ANNOUNCE_FORMAT: %q is not text or card", c.AnnounceFormat)
	}
	if c.AnnounceURL == "" {
		c.AnnounceURL = c.PublicURL
	}
	if c.AnnounceFormat == AnnounceCard {
		if c.AnnounceURL == "" {
			return fmt.Errorf("UNIONBOT_ANNOUNCE_FORMAT: card needs UNIONBOT_ANNOUNCE_URL (or UNIONBOT_PUBLIC_URL): the page a text_notice card opens when tapped")
		}
		if u, err := url.Parse(c.AnnounceURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("UNIONBOT_ANNOUNCE_URL: %q is not an http(s) URL", c.AnnounceURL)
		}
	}
	return nil
}
